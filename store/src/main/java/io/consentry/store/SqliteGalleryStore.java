package io.consentry.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.engine.Consentry;
import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditCandidate;
import io.consentry.store.audit.AuditChain;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditHead;
import io.consentry.store.audit.AuditOutcome;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.store.crypto.TemplateContext;
import io.consentry.store.crypto.TemplateProtector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded {@link GalleryStore}: one SQLite file (default {@code $CONSENTRY_HOME/gallery.db}).
 *
 * <pre>{@code
 * try (GalleryStore store = SqliteGalleryStore.openDefault()) {   // key file created on first start
 *     Collection doors = store.createCollection(CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, 0.82), audit);
 * }
 * }</pre>
 *
 * <h2>Durability</h2>
 * {@code journal_mode=WAL} with {@code synchronous=FULL}: every commit is fsynced to the WAL before the call returns,
 * so an acknowledged write survives {@code kill -9} and power loss; an interrupted transaction is rolled back on the
 * next open. {@code foreign_keys=ON}, {@code secure_delete=ON} (deleted content is overwritten with zeros),
 * {@code temp_store=MEMORY} (no temporary files holding data). A full disk ({@code SQLITE_FULL}) rolls the transaction
 * back and surfaces as {@link ErrorCode#STORAGE_FULL}. {@link Builder#optMaxDatabaseBytes} caps the file size the
 * same way (a quota).
 *
 * <h2>Threading</h2>
 * One writer connection guarded by a fair {@link ReentrantLock}: every mutation runs as {@code BEGIN IMMEDIATE …
 * COMMIT} under the lock, so writes (and the audit chain) are serialised; {@code BEGIN IMMEDIATE} and
 * {@code busy_timeout} also serialise against other processes using the same file. Reads use a small pool of
 * read-only connections (default 4), each read in its own {@code BEGIN … COMMIT} snapshot, so searches, index rebuilds
 * and exports never wait for writers. All SQL is parameterised. Thread-safe.
 *
 * <h2>Keys</h2>
 * Templates are stored as {@link TemplateProtector} blobs with the key generation id in a column. On open, a rotation
 * that was interrupted (blobs under an older generation) is completed before anything else. Blobs under a key the key
 * file does not hold stop the open with {@link ErrorCode#KEY_ERROR} rather than risk data loss.
 */
public final class SqliteGalleryStore implements GalleryStore {
    /** File name under {@code $CONSENTRY_HOME}. */
    public static final String DEFAULT_FILE_NAME = "gallery.db";
    private static final System.Logger LOG = System.getLogger(SqliteGalleryStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_PREFIX = "csk_";
    private static final int KEY_ID_HEX = 16;
    private static final int BATCH = 500;

    private final Path file;
    private final Clock clock;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final Connection writer;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private final Duration busyTimeout;
    private volatile TemplateProtector protector;
    private volatile boolean closed;

    private SqliteGalleryStore(Builder b) throws GalleryException {
        this.file = b.file.toAbsolutePath();
        this.clock = b.clock;
        this.busyTimeout = b.busyTimeout;
        this.protector = TemplateProtector.of(b.keys);
        this.readers = new ArrayBlockingQueue<>(b.readers);
        Connection w = null;
        try {
            createPrivateFile(file);
            w = connect(false);
            try (Statement s = w.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                        throw new StorageException(ErrorCode.STORAGE_ERROR, "cannot switch " + file + " to WAL mode");
                    }
                }
                if (b.maxDatabaseBytes > 0) {
                    long pageSize;
                    try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                        pageSize = rs.next() ? rs.getLong(1) : 4096;
                    }
                    s.execute("PRAGMA max_page_count = " + Math.max(1, b.maxDatabaseBytes / pageSize));
                }
            }
            int before = SqliteSchema.migrate(w, file.toString());
            if (before < SqliteSchema.LATEST) {
                LOG.log(System.Logger.Level.INFO, "gallery " + file + ": schema " + before + " -> " + SqliteSchema.LATEST);
            }
            this.writer = w;
            for (int i = 0; i < b.readers; i++) {
                Connection r = connect(true);
                allReaders.add(r);
                readers.add(r);
            }
        } catch (SQLException e) {
            closeQuietly(w);
            allReaders.forEach(SqliteGalleryStore::closeQuietly);
            throw translate(e, "open " + file);
        } catch (GalleryException | RuntimeException e) {
            closeQuietly(w);
            allReaders.forEach(SqliteGalleryStore::closeQuietly);
            throw e;
        }
        try {
            finishPendingRotation();
        } catch (GalleryException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Builder for a store; {@code set*} required, {@code opt*} optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** Opens {@code dbFile} (created if missing) with {@code keys}. */
    public static SqliteGalleryStore open(Path dbFile, DeploymentKeys keys) throws GalleryException {
        return builder().setDatabase(dbFile).setKeys(keys).build();
    }

    /**
     * Opens {@code $CONSENTRY_HOME/gallery.db} with the deployment keys from {@code CONSENTRY_KEY} or
     * {@code $CONSENTRY_HOME/keys/deployment.key} (created on first start).
     */
    public static SqliteGalleryStore openDefault() throws GalleryException {
        Path home = Consentry.home();
        return open(home.resolve(DEFAULT_FILE_NAME), DeploymentKeys.loadOrCreate(home, System.getenv()));
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Settings of a {@link SqliteGalleryStore}. */
    public static final class Builder {
        private Path file;
        private DeploymentKeys keys;
        private Clock clock = Clock.systemUTC();
        private int readers = 4;
        private long maxDatabaseBytes;
        private Duration busyTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The database file (created with mode 0600 if missing; its directory is created). */
        public Builder setDatabase(Path f) {
            this.file = Objects.requireNonNull(f);
            return this;
        }

        public Builder setKeys(DeploymentKeys k) {
            this.keys = Objects.requireNonNull(k);
            return this;
        }

        /** Clock for every stored timestamp (default UTC system clock). */
        public Builder optClock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** Read connections (default 4, 1..64). */
        public Builder optReaders(int n) {
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("readers must be 1..64, got " + n);
            }
            this.readers = n;
            return this;
        }

        /** Largest database size in bytes (0 = unlimited, default); writes beyond fail with STORAGE_FULL. */
        public Builder optMaxDatabaseBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("max database bytes must be >= 0");
            }
            this.maxDatabaseBytes = bytes;
            return this;
        }

        /** How long to wait for another process's write lock (default 10 s). */
        public Builder optBusyTimeout(Duration d) {
            this.busyTimeout = Objects.requireNonNull(d);
            return this;
        }

        public SqliteGalleryStore build() throws GalleryException {
            Objects.requireNonNull(file, "setDatabase is required");
            Objects.requireNonNull(keys, "setKeys is required");
            return new SqliteGalleryStore(this);
        }

        @Override
        public String toString() {
            return "SqliteGalleryStore.Builder[file=" + file + ", keys=" + keys + ", readers=" + readers + ", maxDatabaseBytes="
                    + maxDatabaseBytes + ", busyTimeout=" + busyTimeout + "]";
        }
    }

    // =================================================================================================================
    // Connections and transactions

    private Connection connect(boolean readOnly) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            s.execute("PRAGMA foreign_keys = ON");
            s.execute("PRAGMA secure_delete = ON");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA temp_store = MEMORY");
            if (readOnly) {
                s.execute("PRAGMA query_only = ON");
            }
        }
        return c;
    }

    private static void createPrivateFile(Path f) throws StorageException {
        try {
            Files.createDirectories(f.getParent());
            if (!Files.exists(f)) {
                if (f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(f);
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created concurrently: fine
        } catch (IOException e) {
            throw new StorageException(ErrorCode.STORAGE_ERROR, "cannot create " + f + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException, GalleryException;
    }

    /** Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction on the writer, under the write lock. */
    private <T> T write(String what, SqlWork<T> work) throws GalleryException {
        writeLock.lock();
        try {
            ensureOpen();
            try (Statement s = writer.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            } catch (SQLException e) {
                throw translate(e, what);
            }
            try {
                T result = work.run(writer);
                try (Statement s = writer.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (SQLException e) {
                rollback();
                throw translate(e, what);
            } catch (GalleryException | RuntimeException | Error e) {
                rollback();
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void rollback() {
        try (Statement s = writer.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite rolls back by itself on some errors (e.g. SQLITE_FULL); nothing else to do
        }
    }

    /** Runs {@code work} in a read snapshot ({@code BEGIN … COMMIT}) on a pooled read connection. */
    private <T> T read(String what, SqlWork<T> work) throws GalleryException {
        ensureOpen();
        Connection c;
        try {
            c = readers.poll(busyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(ErrorCode.STORAGE_BUSY, what + ": interrupted while waiting for a connection");
        }
        if (c == null) {
            throw new StorageException(ErrorCode.STORAGE_BUSY, what + ": all " + allReaders.size() + " read connections are busy");
        }
        try {
            ensureOpen();
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN");
            }
            try {
                return work.run(c);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            }
        } catch (SQLException e) {
            throw translate(e, what);
        } finally {
            readers.offer(c);
        }
    }

    private void ensureOpen() throws StorageException {
        if (closed) {
            throw new StorageException(ErrorCode.CLOSED, "the gallery store " + file + " is closed");
        }
    }

    /** Maps SQLite errors to the exception family. Primary result code = low byte of the (extended) error code. */
    static GalleryException translate(SQLException e, String what) {
        int primary = e.getErrorCode() & 0xff;
        String msg = e.getMessage() == null ? "" : e.getMessage();
        return switch (primary) {
            case 13 -> new StorageException(ErrorCode.STORAGE_FULL, what + ": the database or disk is full; nothing was written", e);
            case 5, 6 -> new StorageException(ErrorCode.STORAGE_BUSY, what + ": the database is locked by another process; retry", e);
            case 19 -> {
                GalleryException g = msg.contains("UNIQUE") || msg.contains("PRIMARYKEY")
                        ? new ConflictException(what + ": already exists")
                        : msg.contains("FOREIGN") ? new NotFoundException(what + ": a referenced object does not exist")
                        : new InvalidInputException(what + ": constraint violated (" + firstLine(msg) + ")");
                g.initCause(e);
                yield g;
            }
            case 11, 26 -> new StorageException(ErrorCode.STORAGE_ERROR, what + ": the database file is corrupt or not a database", e);
            case 8 -> new StorageException(ErrorCode.STORAGE_ERROR, what + ": the database file is read-only", e);
            default -> new StorageException(ErrorCode.STORAGE_ERROR, what + ": " + firstLine(msg), e);
        };
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    // =================================================================================================================
    // Collections

    @Override
    public Collection createCollection(CollectionSpec spec, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        return write("create collection '" + spec.name() + "'", c -> {
            if (collectionByName(c, spec.name()).isPresent()) {
                throw new ConflictException("a collection named '" + spec.name() + "' already exists");
            }
            Collection col = new Collection(newId(), spec.name(), spec.purpose(), spec.retention(), spec.matchThreshold(),
                    spec.storeSourceImages(), now());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO collections (id, name, purpose, retention_seconds, "
                    + "match_threshold, store_images, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, col.id());
                ps.setString(2, col.name());
                ps.setString(3, col.purpose().wireName());
                ps.setLong(4, col.retention().toSeconds());
                ps.setDouble(5, col.matchThreshold());
                ps.setInt(6, col.storeSourceImages() ? 1 : 0);
                ps.setLong(7, col.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(col.id()));
            return col;
        });
    }

    @Override
    public Collection updateCollection(String collectionId, CollectionSpec spec, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        return write("update collection " + collectionId, c -> {
            Collection old = collectionTx(c, collectionId);
            Optional<Collection> named = collectionByName(c, spec.name());
            if (named.isPresent() && !named.get().id().equals(collectionId)) {
                throw new ConflictException("a collection named '" + spec.name() + "' already exists");
            }
            if (spec.purpose() != old.purpose() && countTemplates(c, collectionId) > 0) {
                throw new ConflictException("collection " + collectionId + " holds templates enrolled for purpose "
                        + old.purpose().wireName() + "; its purpose cannot change (create a new collection)");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE collections SET name = ?, purpose = ?, retention_seconds = ?, "
                    + "match_threshold = ?, store_images = ? WHERE id = ?")) {
                ps.setString(1, spec.name());
                ps.setString(2, spec.purpose().wireName());
                ps.setLong(3, spec.retention().toSeconds());
                ps.setDouble(4, spec.matchThreshold());
                ps.setInt(5, spec.storeSourceImages() ? 1 : 0);
                ps.setString(6, collectionId);
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(collectionId));
            return collectionTx(c, collectionId);
        });
    }

    @Override
    public Collection collection(String collectionId) throws GalleryException {
        return read("read collection", c -> collectionTx(c, collectionId));
    }

    @Override
    public List<Collection> collections() throws GalleryException {
        return read("list collections", c -> {
            List<Collection> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM collections ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(collectionRow(rs));
                }
            }
            return out;
        });
    }

    @Override
    public List<TemplateRef> deleteCollection(String collectionId, AuditEntry audit) throws GalleryException {
        List<TemplateRef> removed = write("delete collection " + collectionId, c -> {
            collectionTx(c, collectionId);
            List<TemplateRef> refs = refs(c, "SELECT id, subject_id, collection_id FROM templates WHERE collection_id = ?", collectionId);
            deleteTemplates(c, refs);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM collections WHERE id = ?")) {
                ps.setString(1, collectionId);
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.toBuilder().optObject(collectionId).optCollection(collectionId)
                    .optDetail(appendDetail(audit.detail(), refs.size() + " templates deleted")).build());
            return refs;
        });
        if (!removed.isEmpty()) {
            scrub();
        }
        return removed;
    }

    private Collection collectionTx(Connection c, String id) throws SQLException, NotFoundException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM collections WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no collection with id " + id);
                }
                return collectionRow(rs);
            }
        }
    }

    private Optional<Collection> collectionByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM collections WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(collectionRow(rs)) : Optional.empty();
            }
        }
    }

    private static Collection collectionRow(ResultSet rs) throws SQLException {
        return new Collection(rs.getString("id"), rs.getString("name"), Purpose.fromWire(rs.getString("purpose")),
                Duration.ofSeconds(rs.getLong("retention_seconds")), rs.getDouble("match_threshold"), rs.getInt("store_images") == 1,
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    private static long countTemplates(Connection c, String collectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM templates WHERE collection_id = ?")) {
            ps.setString(1, collectionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    // =================================================================================================================
    // Subjects and consents

    @Override
    public Subject createSubject(SubjectSpec spec, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        return write("create subject", c -> {
            if (spec.externalId().isPresent() && subjectByExternalId(c, spec.externalId().get()).isPresent()) {
                throw new ConflictException("a subject with external id '" + spec.externalId().get() + "' already exists");
            }
            Instant now = now();
            Subject s = new Subject(newId(), spec.displayName(), spec.externalId(), now, now);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO subjects (id, display_name, external_id, created_at, "
                    + "last_interaction_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, s.id());
                ps.setString(2, s.displayName());
                setOpt(ps, 3, s.externalId());
                ps.setLong(4, now.toEpochMilli());
                ps.setLong(5, now.toEpochMilli());
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.toBuilder().optSubject(s.id()).optObject(s.id()).build());
            return s;
        });
    }

    @Override
    public Subject subject(String subjectId) throws GalleryException {
        return read("read subject", c -> subjectTx(c, subjectId));
    }

    @Override
    public Optional<Subject> findSubjectByExternalId(String externalId) throws GalleryException {
        return read("find subject", c -> subjectByExternalId(c, externalId));
    }

    @Override
    public List<Subject> subjects(int offset, int limit) throws GalleryException {
        if (offset < 0 || limit < 1 || limit > 10_000) {
            throw new InvalidInputException("offset must be >= 0 and limit 1..10000");
        }
        return read("list subjects", c -> {
            List<Subject> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM subjects ORDER BY created_at, id LIMIT ? OFFSET ?")) {
                ps.setInt(1, limit);
                ps.setInt(2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(subjectRow(rs));
                    }
                }
            }
            return out;
        });
    }

    private Subject subjectTx(Connection c, String id) throws SQLException, NotFoundException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM subjects WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no subject with id " + id);
                }
                return subjectRow(rs);
            }
        }
    }

    private Optional<Subject> subjectByExternalId(Connection c, String externalId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM subjects WHERE external_id = ?")) {
            ps.setString(1, externalId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(subjectRow(rs)) : Optional.empty();
            }
        }
    }

    private static Subject subjectRow(ResultSet rs) throws SQLException {
        return new Subject(rs.getString("id"), rs.getString("display_name"), Optional.ofNullable(rs.getString("external_id")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("last_interaction_at")));
    }

    @Override
    public Consent recordConsent(ConsentSpec spec, String recordedBy, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(recordedBy, "recordedBy");
        return write("record consent", c -> {
            subjectTx(c, spec.subjectId());
            Consent k = new Consent(newId(), spec.subjectId(), spec.purposes(), spec.basis(), spec.legalReference(), spec.givenAt(),
                    spec.expiresAt(), spec.evidenceSha256(), recordedBy, now(), Optional.empty());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO consents (id, subject_id, basis, legal_reference, given_at, "
                    + "expires_at, evidence_sha256, recorded_by, recorded_at, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, k.id());
                ps.setString(2, k.subjectId());
                ps.setString(3, k.basis().wireName());
                setOpt(ps, 4, k.legalReference());
                ps.setLong(5, k.givenAt().toEpochMilli());
                setOptInstant(ps, 6, k.expiresAt());
                setOpt(ps, 7, k.evidenceSha256());
                ps.setString(8, recordedBy);
                ps.setLong(9, k.recordedAt().toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO consent_purposes (consent_id, purpose) VALUES (?, ?)")) {
                for (Purpose p : k.purposes()) {
                    ps.setString(1, k.id());
                    ps.setString(2, p.wireName());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            appendAuditTx(c, audit.toBuilder().optSubject(k.subjectId()).optObject(k.id()).build());
            return k;
        });
    }

    @Override
    public Consent consent(String consentId) throws GalleryException {
        return read("read consent", c -> consentTx(c, consentId));
    }

    @Override
    public List<Consent> consents(String subjectId) throws GalleryException {
        return read("list consents", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM consents WHERE subject_id = ? ORDER BY recorded_at, id")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<Consent> out = new ArrayList<>();
            for (String id : ids) {
                out.add(consentTx(c, id));
            }
            return out;
        });
    }

    private Consent consentTx(Connection c, String id) throws SQLException, NotFoundException {
        Set<Purpose> purposes = EnumSet.noneOf(Purpose.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT purpose FROM consent_purposes WHERE consent_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    purposes.add(Purpose.fromWire(rs.getString(1)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM consents WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no consent with id " + id);
                }
                return new Consent(rs.getString("id"), rs.getString("subject_id"), purposes, ConsentBasis.fromWire(rs.getString("basis")),
                        Optional.ofNullable(rs.getString("legal_reference")), Instant.ofEpochMilli(rs.getLong("given_at")),
                        optInstant(rs, "expires_at"), Optional.ofNullable(rs.getString("evidence_sha256")), rs.getString("recorded_by"),
                        Instant.ofEpochMilli(rs.getLong("recorded_at")), optInstant(rs, "withdrawn_at"));
            }
        }
    }

    @Override
    public ConsentChange withdrawConsent(String consentId, Instant at, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(at, "at");
        ConsentChange change = write("withdraw consent " + consentId, c -> {
            Consent k = consentTx(c, consentId);
            if (k.withdrawnAt().isPresent()) {
                throw new ConflictException("consent " + consentId + " was already withdrawn at " + k.withdrawnAt().get());
            }
            Instant when = Checks.millis(at);
            try (PreparedStatement ps = c.prepareStatement("UPDATE consents SET withdrawn_at = ? WHERE id = ?")) {
                ps.setLong(1, when.toEpochMilli());
                ps.setString(2, consentId);
                ps.executeUpdate();
            }
            List<TemplateRef> removed = uncoveredTemplates(c, Optional.of(k.subjectId()), now());
            deleteTemplates(c, removed);
            appendAuditTx(c, audit.toBuilder().optSubject(k.subjectId()).optObject(consentId)
                    .optDetail(appendDetail(audit.detail(), removed.size() + " templates removed")).build());
            return new ConsentChange(consentTx(c, consentId), removed);
        });
        if (!change.removedTemplates().isEmpty()) {
            scrub();
        }
        return change;
    }

    private static final String VALID_CONSENT = "SELECT 1 FROM consents k JOIN consent_purposes p ON p.consent_id = k.id "
            + "WHERE k.subject_id = %s AND p.purpose = %s AND k.given_at <= ? AND (k.expires_at IS NULL OR k.expires_at > ?) "
            + "AND (k.withdrawn_at IS NULL OR k.withdrawn_at > ?)";

    private static boolean covered(Connection c, String subjectId, Purpose purpose, Instant t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(String.format(VALID_CONSENT, "?", "?") + " LIMIT 1")) {
            ps.setString(1, subjectId);
            ps.setString(2, purpose.wireName());
            long ms = t.toEpochMilli();
            ps.setLong(3, ms);
            ps.setLong(4, ms);
            ps.setLong(5, ms);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Templates (of one subject, or all) whose collection's purpose no consent valid at {@code t} covers. */
    private static List<TemplateRef> uncoveredTemplates(Connection c, Optional<String> subjectId, Instant t) throws SQLException {
        String sql = "SELECT t.id, t.subject_id, t.collection_id FROM templates t JOIN collections col ON col.id = t.collection_id "
                + "WHERE " + (subjectId.isPresent() ? "t.subject_id = ? AND " : "") + "NOT EXISTS ("
                + String.format(VALID_CONSENT, "t.subject_id", "col.purpose") + ") ORDER BY t.subject_id, t.collection_id, t.id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (subjectId.isPresent()) {
                ps.setString(i++, subjectId.get());
            }
            long ms = t.toEpochMilli();
            ps.setLong(i++, ms);
            ps.setLong(i++, ms);
            ps.setLong(i, ms);
            return refs(ps);
        }
    }

    // =================================================================================================================
    // Templates

    @Override
    public StoredTemplate enrol(NewTemplate t, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(t, "template");
        return write("enrol subject " + t.subjectId() + " in collection " + t.collectionId(), c -> {
            Collection col = collectionTx(c, t.collectionId());
            subjectTx(c, t.subjectId());
            Instant now = now();
            if (!covered(c, t.subjectId(), col.purpose(), now)) {
                throw new ConsentRequiredException("subject " + t.subjectId() + " has no valid consent or recorded legal basis for "
                        + "purpose " + col.purpose().wireName() + " (collection '" + col.name() + "')");
            }
            if (t.sourceImage().isPresent() && !col.storeSourceImages()) {
                throw new InvalidInputException("collection '" + col.name() + "' does not store source images");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM templates WHERE subject_id = ? AND collection_id = ? AND source_sha256 = ?")) {
                ps.setString(1, t.subjectId());
                ps.setString(2, t.collectionId());
                ps.setString(3, t.sourceImageSha256());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new ConflictException("this image (sha256 " + t.sourceImageSha256() + ") is already enrolled for subject "
                                + t.subjectId() + " in collection '" + col.name() + "' as template " + rs.getString(1));
                    }
                }
            }
            String id = newId();
            TemplateProtector p = protector; // stable: rotation holds the write lock
            float[] searchVector = p.transform(t.descriptor());
            byte[] blob = p.seal(searchVector, TemplateContext.descriptor(id, col.id()));
            Optional<byte[]> image = t.sourceImage().isPresent()
                    ? Optional.of(p.sealBytes(t.sourceImage().get(), TemplateContext.sourceImage(id, col.id()))) : Optional.empty();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO templates (id, subject_id, collection_id, model_id, dimension, "
                    + "key_id, descriptor, quality, source_sha256, source_image, created_at, last_used_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, t.subjectId());
                ps.setString(3, col.id());
                ps.setString(4, t.modelId());
                ps.setInt(5, searchVector.length);
                ps.setString(6, p.activeKeyId());
                ps.setBytes(7, blob);
                ps.setDouble(8, t.quality());
                ps.setString(9, t.sourceImageSha256());
                if (image.isPresent()) {
                    ps.setBytes(10, image.get());
                } else {
                    ps.setNull(10, Types.BLOB);
                }
                ps.setLong(11, now.toEpochMilli());
                ps.setLong(12, now.toEpochMilli());
                ps.executeUpdate();
            }
            touchSubject(c, t.subjectId(), now);
            appendAuditTx(c, audit.toBuilder().optObject(id).optSubject(t.subjectId()).optCollection(col.id())
                    .optPurpose(col.purpose()).build());
            return new StoredTemplate(id, t.subjectId(), col.id(), t.modelId(), searchVector, t.quality(), t.sourceImageSha256(),
                    image.isPresent(), now, now);
        });
    }

    @Override
    public long templateChangeHead() throws GalleryException {
        return read("read the template journal", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM template_changes")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public List<TemplateChange> templateChangesAfter(long seq, int limit) throws GalleryException {
        return read("read the template journal", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, template_id, collection_id, op FROM template_changes WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, seq);
                ps.setInt(2, limit);
                List<TemplateChange> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TemplateChange(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public StoredTemplate template(String templateId) throws GalleryException {
        return read("read template", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TEMPLATE_COLUMNS + " FROM templates WHERE id = ?")) {
                ps.setString(1, templateId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("no template with id " + templateId);
                    }
                    return templateRow(rs, protector);
                }
            }
        });
    }

    private static final String TEMPLATE_COLUMNS = "id, subject_id, collection_id, model_id, descriptor, quality, source_sha256, "
            + "source_image IS NOT NULL AS has_image, created_at, last_used_at";

    @Override
    public void forEachTemplate(String collectionId, TemplateVisitor visitor) throws GalleryException {
        Objects.requireNonNull(visitor, "visitor");
        read("read templates of collection " + collectionId, c -> {
            collectionTx(c, collectionId);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TEMPLATE_COLUMNS
                    + " FROM templates WHERE collection_id = ? ORDER BY seq")) {
                ps.setString(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    // Captured after the snapshot started: holds every key generation the snapshot can contain.
                    TemplateProtector p = protector;
                    while (rs.next()) {
                        visitor.accept(templateRow(rs, p));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<StoredTemplate> templatesOfSubject(String subjectId) throws GalleryException {
        return read("read templates of subject " + subjectId, c -> {
            List<StoredTemplate> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TEMPLATE_COLUMNS
                    + " FROM templates WHERE subject_id = ? ORDER BY seq")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    TemplateProtector p = protector;
                    while (rs.next()) {
                        out.add(templateRow(rs, p));
                    }
                }
            }
            return out;
        });
    }

    private static StoredTemplate templateRow(ResultSet rs, TemplateProtector p) throws SQLException, GalleryException {
        String id = rs.getString("id");
        String collectionId = rs.getString("collection_id");
        float[] v = p.unprotect(rs.getBytes("descriptor"), TemplateContext.descriptor(id, collectionId));
        return new StoredTemplate(id, rs.getString("subject_id"), collectionId, rs.getString("model_id"), v, rs.getDouble("quality"),
                rs.getString("source_sha256"), rs.getInt("has_image") == 1, Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("last_used_at")));
    }

    @Override
    public Optional<byte[]> sourceImage(String templateId) throws GalleryException {
        return read("read source image", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT collection_id, source_image FROM templates WHERE id = ?")) {
                ps.setString(1, templateId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("no template with id " + templateId);
                    }
                    byte[] blob = rs.getBytes(2);
                    if (blob == null) {
                        return Optional.<byte[]>empty();
                    }
                    return Optional.of(protector.openBytes(blob, TemplateContext.sourceImage(templateId, rs.getString(1))));
                }
            }
        });
    }

    @Override
    public TemplateRef deleteTemplate(String templateId, AuditEntry audit) throws GalleryException {
        TemplateRef ref = write("delete template " + templateId, c -> {
            List<TemplateRef> refs = refs(c, "SELECT id, subject_id, collection_id FROM templates WHERE id = ?", templateId);
            if (refs.isEmpty()) {
                throw new NotFoundException("no template with id " + templateId);
            }
            deleteTemplates(c, refs);
            TemplateRef r = refs.get(0);
            appendAuditTx(c, audit.toBuilder().optObject(templateId).optSubject(r.subjectId()).optCollection(r.collectionId()).build());
            return r;
        });
        scrub();
        return ref;
    }

    @Override
    public void recordInteraction(String subjectId, String collectionId, Instant at) throws GalleryException {
        write("record interaction", c -> {
            long ms = Checks.millis(at).toEpochMilli();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE templates SET last_used_at = max(last_used_at, ?) WHERE subject_id = ? AND collection_id = ?")) {
                ps.setLong(1, ms);
                ps.setString(2, subjectId);
                ps.setString(3, collectionId);
                ps.executeUpdate();
            }
            touchSubject(c, subjectId, Checks.millis(at));
            return null;
        });
    }

    private static void touchSubject(Connection c, String subjectId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE subjects SET last_interaction_at = max(last_interaction_at, ?) WHERE id = ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, subjectId);
            ps.executeUpdate();
        }
    }

    @Override
    public float[] toSearchSpace(float[] engineDescriptor) throws GalleryException {
        ensureOpen();
        return protector.transform(engineDescriptor);
    }

    private static List<TemplateRef> refs(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            return refs(ps);
        }
    }

    private static List<TemplateRef> refs(PreparedStatement ps) throws SQLException {
        List<TemplateRef> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new TemplateRef(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    private static void deleteTemplates(Connection c, List<TemplateRef> refs) throws SQLException {
        if (refs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM templates WHERE id = ?")) {
            for (TemplateRef r : refs) {
                ps.setString(1, r.templateId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // =================================================================================================================
    // Erasure, retention, scrubbing

    @Override
    public ErasureReport eraseSubject(String subjectId, AuditEntry audit) throws GalleryException {
        ErasureReport report = write("erase subject " + subjectId, c -> {
            subjectTx(c, subjectId);
            Instant now = now();
            List<TemplateRef> refs = refs(c, "SELECT id, subject_id, collection_id FROM templates WHERE subject_id = ?", subjectId);
            int consents = deleteSubjectTx(c, subjectId, now, refs);
            appendAuditTx(c, audit.toBuilder().optSubject(subjectId).optObject(subjectId).optDetail(appendDetail(audit.detail(),
                    refs.size() + " templates deleted, " + consents + " consent records kept as evidence hashes")).build());
            return new ErasureReport(subjectId, refs, consents, false);
        });
        boolean scrubbed = scrub();
        return new ErasureReport(report.subjectId(), report.removedTemplates(), report.consentsRetained(), scrubbed);
    }

    /** Deletes templates and the subject row, marks its consents withdrawn; returns the number of consents kept. */
    private static int deleteSubjectTx(Connection c, String subjectId, Instant now, List<TemplateRef> refs) throws SQLException {
        deleteTemplates(c, refs);
        try (PreparedStatement ps = c.prepareStatement("UPDATE consents SET withdrawn_at = ? WHERE subject_id = ? AND withdrawn_at IS NULL")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, subjectId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM subjects WHERE id = ?")) {
            ps.setString(1, subjectId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM consents WHERE subject_id = ?")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    @Override
    public PurgeReport purgeExpired(Instant now, AuditEntry prototype) throws GalleryException {
        Objects.requireNonNull(now, "now");
        PurgeReport report = write("retention purge", c -> {
            Instant t = Checks.millis(now);
            // 1. consent lapsed (expired, or withdrawn with a future effective time that has now passed)
            List<TemplateRef> lapsed = uncoveredTemplates(c, Optional.empty(), t);
            deleteTemplates(c, lapsed);
            for (Map.Entry<String, List<TemplateRef>> g : groupBySubjectAndCollection(lapsed).entrySet()) {
                TemplateRef first = g.getValue().get(0);
                appendAuditTx(c, prototype.toBuilder().optAction(AuditAction.CONSENT_EXPIRED).optOutcome(AuditOutcome.OK)
                        .optSubject(first.subjectId()).optCollection(first.collectionId())
                        .optDetail(g.getValue().size() + " templates removed: no valid consent covers the collection's purpose").build());
            }
            // 2. retention per collection
            List<TemplateRef> expired = new ArrayList<>();
            List<Collection> cols = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM collections"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(collectionRow(rs));
                }
            }
            for (Collection col : cols) {
                long cutoff = t.minus(col.retention()).toEpochMilli();
                List<TemplateRef> old;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, subject_id, collection_id FROM templates WHERE collection_id = ? "
                        + "AND subject_id IN (SELECT subject_id FROM templates WHERE collection_id = ? GROUP BY subject_id "
                        + "HAVING max(last_used_at) < ?) ORDER BY subject_id, id")) {
                    ps.setString(1, col.id());
                    ps.setString(2, col.id());
                    ps.setLong(3, cutoff);
                    old = refs(ps);
                }
                deleteTemplates(c, old);
                expired.addAll(old);
                for (Map.Entry<String, List<TemplateRef>> g : groupBySubjectAndCollection(old).entrySet()) {
                    TemplateRef first = g.getValue().get(0);
                    appendAuditTx(c, prototype.toBuilder().optAction(AuditAction.RETENTION_PURGE).optOutcome(AuditOutcome.OK)
                            .optSubject(first.subjectId()).optCollection(col.id()).optPurpose(col.purpose())
                            .optDetail(g.getValue().size() + " templates removed: no interaction for " + col.retention().toDays()
                                    + " days (the collection's retention)").build());
                }
            }
            // 3. subjects without templates and without interaction for the maximum retention
            List<String> subjects = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM subjects s WHERE s.last_interaction_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM templates t WHERE t.subject_id = s.id) ORDER BY id")) {
                ps.setLong(1, t.minus(CollectionSpec.MAX_RETENTION).toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        subjects.add(rs.getString(1));
                    }
                }
            }
            for (String s : subjects) {
                deleteSubjectTx(c, s, t, List.of());
                appendAuditTx(c, prototype.toBuilder().optAction(AuditAction.RETENTION_PURGE).optOutcome(AuditOutcome.OK)
                        .optSubject(s).optObject(s).optDetail("subject erased: no templates and no interaction for "
                                + CollectionSpec.MAX_RETENTION.toDays() + " days").build());
            }
            return new PurgeReport(lapsed, expired, subjects);
        });
        if (!report.isEmpty()) {
            scrub();
        }
        return report;
    }

    private static Map<String, List<TemplateRef>> groupBySubjectAndCollection(List<TemplateRef> refs) {
        Map<String, List<TemplateRef>> groups = new LinkedHashMap<>();
        for (TemplateRef r : refs) {
            groups.computeIfAbsent(r.subjectId() + "\n" + r.collectionId(), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    /**
     * Checkpoints the WAL into the database and truncates it, VACUUMs (rebuilding the file without free pages), and
     * checkpoints again. With {@code secure_delete} on, deleted rows were already zeroed in their pages; this removes
     * the older page images still in the WAL and shrinks the file. Retries the checkpoint for up to 5 s while other
     * connections read.
     */
    @Override
    public boolean scrub() throws GalleryException {
        writeLock.lock();
        try {
            ensureOpen();
            boolean ok = checkpoint();
            try (Statement s = writer.createStatement()) {
                s.execute("VACUUM");
            } catch (SQLException e) {
                if ((e.getErrorCode() & 0xff) == 13) {
                    throw translate(e, "vacuum");
                }
                LOG.log(System.Logger.Level.WARNING, "VACUUM of " + file + " did not run: " + firstLine(String.valueOf(e.getMessage())));
                ok = false;
            }
            return checkpoint() && ok;
        } finally {
            writeLock.unlock();
        }
    }

    private boolean checkpoint() throws GalleryException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                if (rs.next() && rs.getInt(1) == 0) {
                    return true;
                }
            } catch (SQLException e) {
                if ((e.getErrorCode() & 0xff) != 5 && (e.getErrorCode() & 0xff) != 6) {
                    throw translate(e, "checkpoint");
                }
            }
            if (System.nanoTime() > deadline) {
                LOG.log(System.Logger.Level.WARNING, "WAL checkpoint of " + file + " incomplete: other connections are reading");
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    // =================================================================================================================
    // Authorisations and review

    @Override
    public Authorisation createAuthorisation(AuthorisationSpec spec, String createdBy, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        return write("create authorisation", c -> {
            for (String colId : spec.collectionIds()) {
                Collection col = collectionTx(c, colId);
                if (col.purpose() != Purpose.WATCHLIST) {
                    throw new InvalidInputException("collection '" + col.name() + "' is not a watchlist (its purpose is "
                            + col.purpose().wireName() + "); authorisations cover watchlist collections only");
                }
            }
            Authorisation a = new Authorisation(newId(), spec.issuer(), spec.legalReference(), spec.collectionIds(), spec.sources(),
                    spec.validFrom(), spec.expiresAt(), createdBy, now(), Optional.empty());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO authorisations (id, issuer, legal_reference, valid_from, "
                    + "expires_at, created_by, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, a.id());
                ps.setString(2, a.issuer());
                ps.setString(3, a.legalReference());
                ps.setLong(4, a.validFrom().toEpochMilli());
                ps.setLong(5, a.expiresAt().toEpochMilli());
                ps.setString(6, createdBy);
                ps.setLong(7, a.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO authorisation_collections (authorisation_id, collection_id) VALUES (?, ?)")) {
                for (String col : a.collectionIds()) {
                    ps.setString(1, a.id());
                    ps.setString(2, col);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO authorisation_sources (authorisation_id, source) VALUES (?, ?)")) {
                for (String src : a.sources()) {
                    ps.setString(1, a.id());
                    ps.setString(2, src);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(a.id()));
            return a;
        });
    }

    @Override
    public Authorisation authorisation(String authorisationId) throws GalleryException {
        return read("read authorisation", c -> authorisationTx(c, authorisationId));
    }

    @Override
    public List<Authorisation> authorisations() throws GalleryException {
        return read("list authorisations", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM authorisations ORDER BY created_at DESC, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            List<Authorisation> out = new ArrayList<>();
            for (String id : ids) {
                out.add(authorisationTx(c, id));
            }
            return out;
        });
    }

    @Override
    public Authorisation revokeAuthorisation(String authorisationId, Instant at, AuditEntry audit) throws GalleryException {
        return write("revoke authorisation " + authorisationId, c -> {
            Authorisation a = authorisationTx(c, authorisationId);
            if (a.revokedAt().isPresent()) {
                throw new ConflictException("authorisation " + authorisationId + " was already revoked");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE authorisations SET revoked_at = ? WHERE id = ?")) {
                ps.setLong(1, Checks.millis(at).toEpochMilli());
                ps.setString(2, authorisationId);
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(authorisationId));
            return authorisationTx(c, authorisationId);
        });
    }

    private Authorisation authorisationTx(Connection c, String id) throws SQLException, NotFoundException {
        Set<String> cols = strings(c, "SELECT collection_id FROM authorisation_collections WHERE authorisation_id = ?", id);
        Set<String> sources = strings(c, "SELECT source FROM authorisation_sources WHERE authorisation_id = ?", id);
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM authorisations WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no authorisation with id " + id);
                }
                return new Authorisation(id, rs.getString("issuer"), rs.getString("legal_reference"), cols, sources,
                        Instant.ofEpochMilli(rs.getLong("valid_from")), Instant.ofEpochMilli(rs.getLong("expires_at")),
                        rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")), optInstant(rs, "revoked_at"));
            }
        }
    }

    private static Set<String> strings(Connection c, String sql, String arg) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Override
    public ReviewCase openReviewCase(ReviewCaseSpec spec, String createdBy, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(spec, "spec");
        return write("open review case", c -> {
            collectionTx(c, spec.collectionId());
            authorisationTx(c, spec.authorisationId());
            String id = newId();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO review_cases (id, collection_id, authorisation_id, probe_sha256, "
                    + "source, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, spec.collectionId());
                ps.setString(3, spec.authorisationId());
                ps.setString(4, spec.probeImageSha256());
                setOpt(ps, 5, spec.source());
                ps.setString(6, ReviewStatus.PENDING.name());
                ps.setString(7, createdBy);
                ps.setLong(8, now().toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO review_candidates (case_id, rank, subject_id, similarity) VALUES (?, ?, ?, ?)")) {
                int rank = 0;
                for (ReviewCandidate rc : spec.candidates()) {
                    ps.setString(1, id);
                    ps.setInt(2, rank++);
                    ps.setString(3, rc.subjectId());
                    ps.setDouble(4, rc.similarity());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(id));
            return reviewCaseTx(c, id);
        });
    }

    @Override
    public ReviewCase reviewCase(String caseId) throws GalleryException {
        return read("read review case", c -> reviewCaseTx(c, caseId));
    }

    @Override
    public List<ReviewCase> reviewCases(Optional<ReviewStatus> status, int limit) throws GalleryException {
        if (limit < 1 || limit > 10_000) {
            throw new InvalidInputException("limit must be 1..10000");
        }
        return read("list review cases", c -> {
            List<String> ids = new ArrayList<>();
            String sql = "SELECT id FROM review_cases " + (status.isPresent() ? "WHERE status = ? " : "")
                    + "ORDER BY created_at DESC, id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (status.isPresent()) {
                    ps.setString(i++, status.get().name());
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<ReviewCase> out = new ArrayList<>();
            for (String id : ids) {
                out.add(reviewCaseTx(c, id));
            }
            return out;
        });
    }

    @Override
    public ReviewCase decide(String caseId, ReviewDecision decision, AuditEntry audit) throws GalleryException {
        Objects.requireNonNull(decision, "decision");
        return write("decide review case " + caseId, c -> {
            ReviewCase rc = reviewCaseTx(c, caseId);
            if (!rc.isOpen()) {
                throw new ConflictException("review case " + caseId + " is already " + rc.status().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (rc.decisions().stream().anyMatch(d -> d.reviewerId().equals(decision.reviewerId()))) {
                throw new ConflictException("reviewer " + decision.reviewerId() + " has already decided review case " + caseId
                        + "; a different reviewer must decide");
            }
            if (decision.verdict() == Verdict.CONFIRM
                    && rc.candidates().stream().noneMatch(k -> k.subjectId().equals(decision.subjectId().orElseThrow()))) {
                throw new InvalidInputException("subject " + decision.subjectId().get() + " is not a candidate of review case " + caseId);
            }
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO review_decisions (case_id, reviewer_id, position, verdict, "
                    + "subject_id, decided_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, caseId);
                ps.setString(2, decision.reviewerId());
                ps.setInt(3, rc.decisions().size() + 1);
                ps.setString(4, decision.verdict().name());
                setOpt(ps, 5, decision.subjectId());
                ps.setLong(6, now.toEpochMilli());
                ps.executeUpdate();
            }
            ReviewStatus status = ReviewStatus.PENDING;
            String confirmed = null;
            if (decision.verdict() == Verdict.REJECT) {
                status = ReviewStatus.REJECTED;
            } else {
                String subject = decision.subjectId().get();
                long agreeing = rc.decisions().stream().filter(d -> d.verdict() == Verdict.CONFIRM && d.subjectId().equals(decision.subjectId()))
                        .map(ReviewDecision::reviewerId).distinct().count() + 1;
                if (agreeing >= ReviewCase.REQUIRED_CONFIRMATIONS) {
                    status = ReviewStatus.CONFIRMED;
                    confirmed = subject;
                }
            }
            if (status != ReviewStatus.PENDING) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE review_cases SET status = ?, confirmed_subject_id = ?, closed_at = ? WHERE id = ?")) {
                    ps.setString(1, status.name());
                    ps.setString(2, confirmed);
                    ps.setLong(3, now.toEpochMilli());
                    ps.setString(4, caseId);
                    ps.executeUpdate();
                }
            }
            appendAuditTx(c, audit.toBuilder().optObject(caseId).optCollection(rc.collectionId())
                    .optDetail(appendDetail(audit.detail(), "case now " + status.name().toLowerCase(java.util.Locale.ROOT))).build());
            return reviewCaseTx(c, caseId);
        });
    }

    private ReviewCase reviewCaseTx(Connection c, String id) throws SQLException, NotFoundException {
        List<ReviewCandidate> candidates = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT subject_id, similarity FROM review_candidates WHERE case_id = ? ORDER BY rank")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new ReviewCandidate(rs.getString(1), rs.getDouble(2)));
                }
            }
        }
        List<ReviewDecision> decisions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reviewer_id, verdict, subject_id, decided_at FROM review_decisions WHERE case_id = ? ORDER BY position")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    decisions.add(new ReviewDecision(rs.getString(1), Verdict.valueOf(rs.getString(2)), Optional.ofNullable(rs.getString(3)),
                            Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM review_cases WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no review case with id " + id);
                }
                return new ReviewCase(id, rs.getString("collection_id"), rs.getString("authorisation_id"), rs.getString("probe_sha256"),
                        Optional.ofNullable(rs.getString("source")), candidates, ReviewStatus.valueOf(rs.getString("status")),
                        Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("created_by"), decisions,
                        Optional.ofNullable(rs.getString("confirmed_subject_id")), optInstant(rs, "closed_at"));
            }
        }
    }

    // =================================================================================================================
    // API keys

    @Override
    public IssuedApiKey createApiKey(String name, Role role, AuditEntry audit) throws GalleryException {
        String n = Checks.text("key name", name, 200);
        Objects.requireNonNull(role, "role");
        return write("create API key", c -> {
            byte[] rnd = new byte[32];
            RANDOM.nextBytes(rnd);
            String id = HexFormat.of().formatHex(randomBytes(KEY_ID_HEX / 2));
            String secret = KEY_PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(rnd);
            ApiKey key = new ApiKey(id, n, role, now(), Optional.empty());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_keys (id, name, role, secret_sha256, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)")) {
                ps.setString(1, id);
                ps.setString(2, n);
                ps.setString(3, role.wireName());
                ps.setBytes(4, sha256(secret));
                ps.setLong(5, key.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(id));
            return new IssuedApiKey(key, secret);
        });
    }

    private static final byte[] DUMMY_HASH = new byte[32];

    @Override
    public Optional<ApiKey> authenticate(String secret) throws GalleryException {
        if (secret == null) {
            return Optional.empty();
        }
        byte[] presented = sha256(secret);
        boolean wellFormed = secret.length() > KEY_PREFIX.length() + KEY_ID_HEX + 1 && secret.length() < 200
                && secret.startsWith(KEY_PREFIX) && secret.charAt(KEY_PREFIX.length() + KEY_ID_HEX) == '_';
        if (!wellFormed) {
            MessageDigest.isEqual(presented, DUMMY_HASH); // similar work either way
            return Optional.empty();
        }
        String id = secret.substring(KEY_PREFIX.length(), KEY_PREFIX.length() + KEY_ID_HEX);
        return read("authenticate", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        MessageDigest.isEqual(presented, DUMMY_HASH);
                        return Optional.<ApiKey>empty();
                    }
                    boolean match = MessageDigest.isEqual(presented, rs.getBytes("secret_sha256")); // constant time
                    ApiKey key = apiKeyRow(rs);
                    return match && !key.isRevoked() ? Optional.of(key) : Optional.<ApiKey>empty();
                }
            }
        });
    }

    @Override
    public ApiKey apiKey(String keyId) throws GalleryException {
        return read("read API key", c -> apiKeyTx(c, keyId));
    }

    @Override
    public List<ApiKey> apiKeys() throws GalleryException {
        return read("list API keys", c -> {
            List<ApiKey> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys ORDER BY created_at, id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(apiKeyRow(rs));
                }
            }
            return out;
        });
    }

    @Override
    public ApiKey revokeApiKey(String keyId, AuditEntry audit) throws GalleryException {
        return write("revoke API key " + keyId, c -> {
            ApiKey k = apiKeyTx(c, keyId);
            if (k.isRevoked()) {
                throw new ConflictException("API key " + keyId + " was already revoked");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ?")) {
                ps.setLong(1, now().toEpochMilli());
                ps.setString(2, keyId);
                ps.executeUpdate();
            }
            appendAuditTx(c, audit.withObjectIfAbsent(keyId));
            return apiKeyTx(c, keyId);
        });
    }

    private ApiKey apiKeyTx(Connection c, String id) throws SQLException, NotFoundException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no API key with id " + id);
                }
                return apiKeyRow(rs);
            }
        }
    }

    private static ApiKey apiKeyRow(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("name"), Role.fromWire(rs.getString("role")),
                Instant.ofEpochMilli(rs.getLong("created_at")), optInstant(rs, "revoked_at"));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    // =================================================================================================================
    // Audit

    @Override
    public AuditRecord appendAudit(AuditEntry entry) throws GalleryException {
        Objects.requireNonNull(entry, "entry");
        return write("append audit record", c -> appendAuditTx(c, entry));
    }

    private AuditRecord appendAuditTx(Connection c, AuditEntry e) throws SQLException, GalleryException {
        long seq;
        String prev;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new StorageException(ErrorCode.STORAGE_ERROR, "the audit head row is missing from " + file);
            }
            seq = rs.getLong(1);
            prev = rs.getString(2);
        }
        AuditRecord r = AuditRecord.seal(seq + 1, now(), e, prev);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (seq, at, actor_id, role, action, outcome, collection_id, "
                + "purpose, subject_id, object_id, image_sha256, candidates, detail, prev_hash, hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, r.seq());
            ps.setLong(2, r.at().toEpochMilli());
            ps.setString(3, e.actorId());
            setOpt(ps, 4, e.role().map(Role::wireName));
            ps.setString(5, e.action().wireName());
            ps.setString(6, e.outcome().wireName());
            setOpt(ps, 7, e.collectionId());
            setOpt(ps, 8, e.purpose().map(Purpose::wireName));
            setOpt(ps, 9, e.subjectId());
            setOpt(ps, 10, e.objectId());
            setOpt(ps, 11, e.inputImageSha256());
            ps.setString(12, candidatesJson(e.candidates()));
            ps.setString(13, e.detail());
            ps.setString(14, r.prevHash());
            ps.setString(15, r.hash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            ps.setLong(1, r.seq());
            ps.setString(2, r.hash());
            ps.executeUpdate();
        }
        return r;
    }

    /** JSON form of an audit candidate in the {@code candidates} column; the score as its exact 6-decimal text. */
    record CandidateJson(String id, String score) {
    }

    private static String candidatesJson(List<AuditCandidate> candidates) {
        try {
            return JSON.writeValueAsString(candidates.stream().map(k -> new CandidateJson(k.id(), k.scoreText())).toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<AuditCandidate> parseCandidates(String json) {
        try {
            CandidateJson[] raw = JSON.readValue(json, CandidateJson[].class);
            List<AuditCandidate> out = new ArrayList<>(raw.length);
            for (CandidateJson c : raw) {
                out.add(new AuditCandidate(c.id(), Double.parseDouble(c.score())));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            // a tampered row: surface it as a record whose hash will not verify rather than failing the read
            return List.of(new AuditCandidate("<unreadable candidates>", 0));
        }
    }

    @Override
    public List<AuditRecord> readAudit(long fromSeq, int limit) throws GalleryException {
        if (limit < 1 || limit > 10_000) {
            throw new InvalidInputException("limit must be 1..10000");
        }
        return read("read audit log", c -> readAuditTx(c, fromSeq, limit));
    }

    private static List<AuditRecord> readAuditTx(Connection c, long fromSeq, int limit) throws SQLException {
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, fromSeq);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(auditRow(rs));
                }
            }
        }
        return out;
    }

    private static AuditRecord auditRow(ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        try {
            AuditEntry e = new AuditEntry(rs.getString("actor_id"), Optional.ofNullable(rs.getString("role")).map(Role::fromWire),
                    AuditAction.fromWire(rs.getString("action")), AuditOutcome.fromWire(rs.getString("outcome")),
                    Optional.ofNullable(rs.getString("collection_id")), Optional.ofNullable(rs.getString("purpose")).map(Purpose::fromWire),
                    Optional.ofNullable(rs.getString("subject_id")), Optional.ofNullable(rs.getString("object_id")),
                    Optional.ofNullable(rs.getString("image_sha256")), parseCandidates(rs.getString("candidates")), rs.getString("detail"));
            return new AuditRecord(seq, Instant.ofEpochMilli(rs.getLong("at")), e, rs.getString("prev_hash"), rs.getString("hash"));
        } catch (RuntimeException ex) {
            // A tampered row with an unparseable value (unknown action, null actor): keep it as a record that cannot
            // verify, so the verifier reports it as modified instead of the read failing.
            AuditEntry e = new AuditEntry("<unreadable>", Optional.empty(), AuditAction.AUDIT_READ, AuditOutcome.FAILED, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), "unreadable row: " + ex.getMessage());
            String prev = rs.getString("prev_hash");
            String hash = rs.getString("hash");
            return new AuditRecord(seq, Instant.ofEpochMilli(rs.getLong("at")), e, prev == null ? "" : prev, hash == null ? "" : hash);
        }
    }

    @Override
    public AuditHead auditHead() throws GalleryException {
        return read("read audit head", SqliteGalleryStore::headTx);
    }

    private static AuditHead headTx(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new AuditHead(rs.getLong(1), rs.getString(2)) : new AuditHead(0, AuditChain.GENESIS_HASH);
        }
    }

    @Override
    public AuditVerification verifyAudit() throws GalleryException {
        return read("verify audit log", c -> {
            AuditChain.Verifier v = new AuditChain.Verifier();
            AuditHead head = headTx(c);
            // Page by seq order; rows are read within one snapshot so head and records agree.
            long next = Long.MIN_VALUE;
            while (true) {
                List<AuditRecord> page = readAuditTx(c, next, 2000);
                for (AuditRecord r : page) {
                    v.accept(r);
                }
                if (page.size() < 2000) {
                    break;
                }
                next = page.get(page.size() - 1).seq() + 1;
            }
            return v.finish(Optional.of(head));
        });
    }

    // =================================================================================================================
    // Keys

    @Override
    public String activeKeyId() {
        return protector.activeKeyId();
    }

    @Override
    public void rotateKey(AuditEntry audit) throws GalleryException {
        rotate(false, audit);
    }

    @Override
    public void rekey(AuditEntry audit) throws GalleryException {
        rotate(true, audit);
    }

    private void rotate(boolean newTransform, AuditEntry audit) throws GalleryException {
        writeLock.lock();
        try {
            ensureOpen();
            String old = protector.activeKeyId();
            DeploymentKeys next = protector.keys().withNewActive(newTransform); // persisted, old generations kept
            protector = TemplateProtector.of(next);
            int n = write(newTransform ? "rekey" : "rotate key", c -> {
                int count = resealAll(c, protector);
                appendAuditTx(c, audit.toBuilder().optObject(protector.activeKeyId()).optDetail(appendDetail(audit.detail(),
                        (newTransform ? "new AES key and transform " : "new AES key ") + protector.activeKeyId() + " replaces " + old
                                + "; " + count + " templates re-encrypted")).build());
                return count;
            });
            // The file forgets the old generation; this process keeps it in memory only, for read snapshots that
            // started before the commit.
            protector = TemplateProtector.of(next.retainOnlyActive());
            LOG.log(System.Logger.Level.INFO, (newTransform ? "rekeyed " : "rotated key of ") + file + ": " + old + " -> "
                    + protector.activeKeyId() + ", " + n + " templates");
        } finally {
            writeLock.unlock();
        }
        scrub();
    }

    /** Re-encrypts every row not under {@code p}'s active generation; returns the number of templates touched. */
    private static int resealAll(Connection c, TemplateProtector p) throws SQLException, GalleryException {
        int total = 0;
        while (true) {
            record Row(String id, String collectionId, byte[] descriptor, byte[] image) {
            }
            List<Row> batch = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, collection_id, descriptor, source_image FROM templates WHERE key_id <> ? LIMIT " + BATCH)) {
                ps.setString(1, p.activeKeyId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new Row(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
                    }
                }
            }
            if (batch.isEmpty()) {
                return total;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE templates SET descriptor = ?, source_image = ?, key_id = ? WHERE id = ?")) {
                for (Row r : batch) {
                    ps.setBytes(1, p.reseal(r.descriptor(), TemplateContext.descriptor(r.id(), r.collectionId())));
                    if (r.image() == null) {
                        ps.setNull(2, Types.BLOB);
                    } else {
                        ps.setBytes(2, p.reseal(r.image(), TemplateContext.sourceImage(r.id(), r.collectionId())));
                    }
                    ps.setString(3, p.activeKeyId());
                    ps.setString(4, r.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            total += batch.size();
        }
    }

    /** At open: refuses unknown key generations and completes a rotation a crash interrupted. */
    private void finishPendingRotation() throws GalleryException {
        Set<String> used = read("check template keys", c -> {
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT key_id FROM templates"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        DeploymentKeys keys = protector.keys();
        for (String id : used) {
            if (!keys.keyIds().contains(id)) {
                throw new StorageException(ErrorCode.KEY_ERROR, file + " holds templates encrypted with key " + id
                        + ", which the deployment key (" + keys + ") does not contain; restore the matching key file or "
                        + DeploymentKeys.ENV_VAR + " (no data was changed)");
            }
        }
        boolean pending = used.stream().anyMatch(id -> !id.equals(keys.activeKeyId()));
        if (pending) {
            int n = write("complete key rotation", c -> {
                int count = resealAll(c, protector);
                appendAuditTx(c, AuditEntry.builder("system", Optional.empty(), AuditAction.KEY_ROTATE)
                        .optObject(keys.activeKeyId()).optDetail("completed an interrupted key rotation: " + count
                                + " templates re-encrypted under " + keys.activeKeyId()).build());
                return count;
            });
            LOG.log(System.Logger.Level.INFO, "completed an interrupted key rotation of " + file + ": " + n + " templates");
        }
        if (keys.keyIds().size() > 1) {
            protector = TemplateProtector.of(keys.retainOnlyActive());
        }
        if (pending) {
            scrub();
        }
    }

    // =================================================================================================================
    // Helpers

    private static void setOpt(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
        if (v.isPresent()) {
            ps.setString(i, v.get());
        } else {
            ps.setNull(i, Types.VARCHAR);
        }
    }

    private static void setOptInstant(PreparedStatement ps, int i, Optional<Instant> v) throws SQLException {
        if (v.isPresent()) {
            ps.setLong(i, v.get().toEpochMilli());
        } else {
            ps.setNull(i, Types.INTEGER);
        }
    }

    private static Optional<Instant> optInstant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    private static String appendDetail(String detail, String more) {
        return detail == null || detail.isEmpty() ? more : detail + "; " + more;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Connection r : allReaders) {
                closeQuietly(r);
            }
            if (writer != null) {
                try (Statement s = writer.createStatement()) {
                    s.execute("PRAGMA optimize");
                } catch (SQLException e) {
                    // best effort
                }
                closeQuietly(writer);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteGalleryStore[" + file + ", key " + activeKeyId() + (closed ? ", closed" : "") + "]";
    }
}
