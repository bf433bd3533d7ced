package io.consentry.store.crypto;

import io.consentry.store.ErrorCode;
import io.consentry.store.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The per-deployment secret: one or more generations of key material (a 256-bit AES key and a 256-bit seed for the
 * orthogonal transform), the first being active. Immutable; rotation returns a new instance after persisting it.
 *
 * <h2>Where keys come from</h2>
 * <ul>
 *   <li>the environment variable {@value #ENV_VAR}: base64 of 64 bytes (AES key ‖ transform seed), e.g. made with
 *       {@link #generateBase64()}. Read-only: rotation is refused (change the variable's source instead).</li>
 *   <li>otherwise the key file {@code $CONSENTRY_HOME/keys/deployment.key}, created with fresh random keys on first
 *       start: directory mode 0700, file mode 0600 (a file readable by others is tightened to 0600 with a warning).
 *       It is written atomically (temporary file, fsync, rename, fsync of the directory).</li>
 * </ul>
 * Key ids are the first 16 hex digits of a SHA-256 over the key material (not secret, stable for the same key).
 * Nothing here logs or prints key bytes; {@link #toString()} shows ids only.
 *
 * <h2>Key file format</h2>
 * <pre>
 * # comment lines
 * format=consentry-keys-v1
 * active=&lt;key id&gt;
 * key=&lt;key id&gt;:&lt;created, epoch ms&gt;:&lt;base64 of AES key ‖ transform seed&gt;
 * </pre>
 * A file lists several {@code key=} lines only while a rotation is in progress (old generations are kept until every
 * template is re-encrypted, so a crash never strands data).
 */
public final class DeploymentKeys {
    /** Environment variable holding the base64 key material. */
    public static final String ENV_VAR = "CONSENTRY_KEY";
    private static final System.Logger LOG = System.getLogger(DeploymentKeys.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String FORMAT = "consentry-keys-v1";

    private final List<KeyEntry> entries;
    /** Generations dropped from the file but still held in this process (for reads that started before). */
    private final List<KeyEntry> retiredInMemory;
    private final Optional<Path> file;
    private final boolean readOnly;

    private DeploymentKeys(List<KeyEntry> entries, Optional<Path> file, boolean readOnly) {
        this(entries, List.of(), file, readOnly);
    }

    private DeploymentKeys(List<KeyEntry> entries, List<KeyEntry> retiredInMemory, Optional<Path> file, boolean readOnly) {
        this.entries = List.copyOf(entries);
        this.retiredInMemory = List.copyOf(retiredInMemory);
        this.file = file;
        this.readOnly = readOnly;
    }

    /** {@code home/keys/deployment.key}. */
    public static Path defaultFile(Path home) {
        return home.resolve("keys").resolve("deployment.key");
    }

    /**
     * The deployment's keys: from {@value #ENV_VAR} in {@code env} when set, else from (or newly created in)
     * {@link #defaultFile(Path) the key file under home}.
     */
    public static DeploymentKeys loadOrCreate(Path home, Map<String, String> env) throws StorageException {
        String b64 = env.get(ENV_VAR);
        if (b64 != null && !b64.isBlank()) {
            return fromBase64(b64);
        }
        return loadOrCreate(defaultFile(home));
    }

    /** Keys from {@code file}, creating it (mode 0600, directory 0700) with fresh random keys if missing. */
    public static DeploymentKeys loadOrCreate(Path file) throws StorageException {
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            Path dir = file.toAbsolutePath().getParent();
            createPrivateDirectory(dir);
            DeploymentKeys keys = new DeploymentKeys(List.of(generate()), Optional.of(file), false);
            keys.write(true);
            LOG.log(System.Logger.Level.INFO, "created deployment key file " + file + " (key " + keys.activeKeyId() + ")");
            return keys;
        } catch (FileAlreadyExistsException e) {
            return load(file); // another process created it first
        } catch (IOException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot create the key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keys from base64 of 64 bytes (AES key ‖ transform seed), as in {@value #ENV_VAR}; read-only. */
    public static DeploymentKeys fromBase64(String b64) throws StorageException {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, ENV_VAR + " is not valid base64");
        }
        if (raw.length != 64) {
            throw new StorageException(ErrorCode.KEY_ERROR, ENV_VAR + " must hold 64 bytes (AES-256 key and transform seed) "
                    + "base64-encoded, it holds " + raw.length + " bytes; make one with `consentry keys generate`");
        }
        return new DeploymentKeys(List.of(entry(raw, Instant.EPOCH)), Optional.empty(), true);
    }

    /** Fresh random keys kept only in memory (tests, throwaway deployments); rotation works but is not persisted. */
    public static DeploymentKeys generateInMemory() {
        return new DeploymentKeys(List.of(generate()), Optional.empty(), false);
    }

    /** Fresh random key material as base64, suitable for {@value #ENV_VAR}. */
    public static String generateBase64() {
        byte[] raw = new byte[64];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** The id of the active generation. */
    public String activeKeyId() {
        return entries.get(0).id();
    }

    /** Ids of all generations held, active first. */
    public List<String> keyIds() {
        return entries.stream().map(KeyEntry::id).toList();
    }

    /** The key file, if the keys come from one. */
    public Optional<Path> file() {
        return file;
    }

    /** Whether rotation is refused (keys from {@value #ENV_VAR}). */
    public boolean isReadOnly() {
        return readOnly;
    }

    KeyEntry active() {
        return entries.get(0);
    }

    Optional<KeyEntry> entry(String id) {
        Optional<KeyEntry> e = entries.stream().filter(k -> k.id().equals(id)).findFirst();
        return e.isPresent() ? e : retiredInMemory.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /**
     * Adds a new active generation (fresh AES key; a fresh transform seed too when {@code newTransform}), keeping the
     * older ones for decryption, and persists the result before returning it.
     *
     * @throws StorageException {@link ErrorCode#KEY_ERROR} for read-only keys or when the file cannot be written
     */
    public DeploymentKeys withNewActive(boolean newTransform) throws StorageException {
        requireWritable();
        byte[] raw = new byte[64];
        RANDOM.nextBytes(raw);
        if (!newTransform) {
            System.arraycopy(active().transformSeed(), 0, raw, 32, 32);
        }
        List<KeyEntry> next = new ArrayList<>();
        next.add(entry(raw, Instant.now()));
        next.addAll(entries);
        DeploymentKeys keys = new DeploymentKeys(next, file, false);
        keys.persist();
        return keys;
    }

    /**
     * Drops every generation but the active one from the key file (after all data was re-encrypted) and returns the
     * result. The dropped generations stay readable in the returned instance's memory only, for reads that began
     * before the re-encryption committed; they are gone at the next start or rotation.
     */
    public DeploymentKeys retainOnlyActive() throws StorageException {
        if (entries.size() == 1) {
            return this;
        }
        requireWritable();
        DeploymentKeys keys = new DeploymentKeys(List.of(active()), entries.subList(1, entries.size()), file, false);
        keys.persist();
        return keys;
    }

    private void requireWritable() throws StorageException {
        if (readOnly) {
            throw new StorageException(ErrorCode.KEY_ERROR, "the deployment key comes from " + ENV_VAR
                    + " and cannot be rotated in place; use a key file for rotation");
        }
    }

    private void persist() throws StorageException {
        if (file.isEmpty()) {
            return;
        }
        try {
            write(false);
        } catch (IOException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot write the key file " + file.get() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static KeyEntry generate() {
        byte[] raw = new byte[64];
        RANDOM.nextBytes(raw);
        return entry(raw, Instant.now());
    }

    private static KeyEntry entry(byte[] raw, Instant created) {
        byte[] aes = java.util.Arrays.copyOfRange(raw, 0, 32);
        byte[] seed = java.util.Arrays.copyOfRange(raw, 32, 64);
        return new KeyEntry(keyId(aes, seed), aes, seed, created.truncatedTo(ChronoUnit.MILLIS));
    }

    static String keyId(byte[] aes, byte[] seed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("consentry-key-id-v1".getBytes(StandardCharsets.UTF_8));
            sha.update(aes);
            sha.update(seed);
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeploymentKeys load(Path file) throws StorageException {
        List<String> lines;
        try {
            tightenPermissions(file);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "key file " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot read the key file " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot read the key file " + file + ": " + e.getMessage(), e);
        }
        String format = null;
        String active = null;
        List<KeyEntry> found = new ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw bad(file, n, "expected name=value");
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (name) {
                case "format" -> format = value;
                case "active" -> active = value;
                case "key" -> {
                    String[] parts = value.split(":", 3);
                    if (parts.length != 3) {
                        throw bad(file, n, "expected key=<id>:<created ms>:<base64>");
                    }
                    byte[] material;
                    long created;
                    try {
                        material = Base64.getDecoder().decode(parts[2]);
                        created = Long.parseLong(parts[1]);
                    } catch (IllegalArgumentException e) {
                        throw bad(file, n, "malformed key line");
                    }
                    if (material.length != 64) {
                        throw bad(file, n, "key material must be 64 bytes");
                    }
                    KeyEntry e = entry(material, Instant.ofEpochMilli(created));
                    if (!e.id().equals(parts[0])) {
                        throw bad(file, n, "key id " + parts[0] + " does not match its material (file damaged or edited)");
                    }
                    found.add(e);
                }
                default -> throw bad(file, n, "unknown setting '" + name + "'");
            }
        }
        if (!FORMAT.equals(format)) {
            throw new StorageException(ErrorCode.KEY_ERROR, "key file " + file + " is not a Consentry key file (format line missing or "
                    + "unknown: " + format + ")");
        }
        if (found.isEmpty() || active == null) {
            throw new StorageException(ErrorCode.KEY_ERROR, "key file " + file + " holds no active key");
        }
        String act = active;
        KeyEntry first = found.stream().filter(e -> e.id().equals(act)).findFirst()
                .orElseThrow(() -> new StorageException(ErrorCode.KEY_ERROR, "key file " + file + ": active key " + act + " is not listed"));
        List<KeyEntry> ordered = new ArrayList<>();
        ordered.add(first);
        found.stream().filter(e -> !e.id().equals(act)).forEach(ordered::add);
        return new DeploymentKeys(ordered, Optional.of(file), false);
    }

    private static StorageException bad(Path file, int line, String why) {
        return new StorageException(ErrorCode.KEY_ERROR, "key file " + file + " line " + line + ": " + why);
    }

    private void write(boolean createNew) throws IOException {
        Path target = file.orElseThrow();
        Path dir = target.toAbsolutePath().getParent();
        StringBuilder b = new StringBuilder();
        b.append("# Consentry deployment key: AES-256-GCM key and orthogonal-transform seed for stored face templates.\n");
        b.append("# SECRET. Keep mode 0600, back it up separately from the database; losing it makes templates unreadable.\n");
        b.append("format=").append(FORMAT).append('\n');
        b.append("active=").append(activeKeyId()).append('\n');
        for (KeyEntry e : entries) {
            byte[] raw = ByteBuffer.allocate(64).put(e.aesKey()).put(e.transformSeed()).array();
            b.append("key=").append(e.id()).append(':').append(e.createdAt().toEpochMilli()).append(':')
                    .append(Base64.getEncoder().encodeToString(raw)).append('\n');
            java.util.Arrays.fill(raw, (byte) 0);
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(target.getFileName() + ".tmp-" + Long.toHexString(RANDOM.nextLong()));
        try {
            createPrivateFile(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (createNew && Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir)) {
            Files.createDirectories(dir.getParent());
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            try {
                Files.createDirectory(dir, attr);
            } catch (FileAlreadyExistsException e) {
                return;
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------")); // despite the umask
        } else {
            Files.createDirectories(dir);
            LOG.log(System.Logger.Level.WARNING, "file system of " + dir + " has no POSIX permissions; restrict access to it yourself");
        }
    }

    private static void createPrivateFile(Path f) throws IOException {
        if (posix(f)) {
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(f);
        }
    }

    private static void tightenPermissions(Path f) throws IOException {
        if (!posix(f) || !Files.exists(f)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        Set<PosixFilePermission> open = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        if (perms.stream().anyMatch(open::contains)) {
            LOG.log(System.Logger.Level.WARNING, "key file " + f + " was accessible to other users ("
                    + PosixFilePermissions.toString(perms) + "); restricting it to 0600. Consider rotating the keys.");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on every platform (e.g. Windows); the rename itself is still atomic
        }
    }

    @Override
    public String toString() {
        return "DeploymentKeys[active=" + activeKeyId() + ", generations=" + keyIds() + ", source="
                + (readOnly ? ENV_VAR : file.map(Path::toString).orElse("memory")) + "]";
    }
}
