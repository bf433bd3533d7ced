package io.consentry.pack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An installed model pack: a folder with {@code manifest.json} and the ONNX files it lists. {@link #open} checks
 * the manifest format and every file's SHA-256, so a half-written or tampered pack is refused with a message that
 * names the file.
 */
public record ModelPack(Path dir, PackManifest manifest) {
    public static final String MANIFEST = "manifest.json";

    public static ModelPack open(Path dir) throws PackException {
        Path mf = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(mf)) {
            throw new PackException("no model pack at " + dir + " (missing " + MANIFEST + "); run: consentry models install");
        }
        PackManifest manifest;
        try {
            manifest = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(mf.toFile(), PackManifest.class);
        } catch (IOException e) {
            throw new PackException("unreadable pack manifest " + mf + ": " + e.getMessage(), e);
        }
        if (manifest.formatVersion() != PackManifest.FORMAT_VERSION || manifest.models() == null) {
            throw new PackException(mf + ": unsupported manifest format " + manifest.formatVersion());
        }
        for (ModelEntry m : manifest.models()) {
            Path f = dir.resolve(m.file()).normalize();
            if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new PackException("pack " + manifest.pack() + ": model file " + m.file() + " is missing");
            }
            String actual = sha256(f);
            if (!actual.equalsIgnoreCase(m.sha256())) {
                throw new PackException("pack " + manifest.pack() + ": " + m.file() + " does not match its checksum in the manifest (corrupted or modified); reinstall the pack");
            }
        }
        return new ModelPack(dir, manifest);
    }

    public Path file(ModelEntry m) {
        return dir.resolve(m.file());
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws PackException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new PackException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
