package io.consentry.eval;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An append-only on-disk cache of descriptors for evaluation runs, keyed by the SHA-256 of an image file's bytes;
 * one file per pipeline configuration, so changing the configuration never reuses stale descriptors. A truncated
 * last record (a killed run) is ignored. The file holds biometric templates of the evaluated images: it is created
 * owner-only (0600) and {@code --no-cache} avoids it.
 *
 * <p>Record: 32-byte key, 1 status byte (1 = descriptor, 0 = no face), then {@code dim} float32 when status is 1.
 */
public final class DescriptorCache implements AutoCloseable {
    private final Map<String, Optional<float[]>> entries = new HashMap<>();
    private final DataOutputStream out;
    private final int dim;

    private DescriptorCache(DataOutputStream out, int dim) {
        this.out = out;
        this.dim = dim;
    }

    /** An in-memory cache that writes nothing. */
    public static DescriptorCache inMemory(int dim) {
        return new DescriptorCache(null, dim);
    }

    public static DescriptorCache open(Path file, int dim) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system
            }
        }
        Map<String, Optional<float[]>> loaded = new HashMap<>();
        long good = 0;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            byte[] key = new byte[32];
            while (true) {
                try {
                    in.readFully(key);
                    int status = in.readUnsignedByte();
                    if (status == 1) {
                        float[] v = new float[dim];
                        for (int i = 0; i < dim; i++) {
                            v[i] = in.readFloat();
                        }
                        loaded.put(java.util.HexFormat.of().formatHex(key), Optional.of(v));
                        good += 33 + 4L * dim;
                    } else if (status == 0) {
                        loaded.put(java.util.HexFormat.of().formatHex(key), Optional.empty());
                        good += 33;
                    } else {
                        break; // corrupt tail
                    }
                } catch (EOFException e) {
                    break;
                }
            }
        }
        if (Files.size(file) != good) {
            try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
                ch.truncate(good);
            }
        }
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND));
        DescriptorCache c = new DescriptorCache(new DataOutputStream(os), dim);
        c.entries.putAll(loaded);
        return c;
    }

    /** Null when unknown; an empty Optional when the image is known to have no usable face. */
    public synchronized Optional<float[]> get(String sha256Hex) {
        return entries.get(sha256Hex);
    }

    public synchronized void put(String sha256Hex, Optional<float[]> descriptor) throws IOException {
        entries.put(sha256Hex, descriptor);
        if (out != null) {
            out.write(java.util.HexFormat.of().parseHex(sha256Hex));
            if (descriptor.isPresent()) {
                out.writeByte(1);
                for (float f : descriptor.get()) {
                    out.writeFloat(f);
                }
            } else {
                out.writeByte(0);
            }
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public static String sha256(InputStream in) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
