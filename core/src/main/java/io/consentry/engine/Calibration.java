package io.consentry.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.ConsentryException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A deployment's own decision threshold, chosen by {@code consentry calibrate} for a target false-match rate on its
 * own labelled pairs. Stored as {@code $CONSENTRY_HOME/calibration/<pack>.json}; {@link FaceEngine} uses it instead of
 * the pack's default threshold when present.
 *
 * @param pack           pack id the threshold belongs to
 * @param threshold      cosine-similarity threshold
 * @param targetFmr      requested false-match rate
 * @param measuredFmr    false-match rate at the threshold on the calibration pairs
 * @param measuredFnmr   false-non-match rate at the threshold on the calibration pairs
 * @param impostorPairs  impostor pairs measured (FMR resolution is 1 / impostorPairs)
 * @param genuinePairs   genuine pairs measured
 * @param source         the pairs file used
 * @param createdAt      ISO-8601 time
 */
public record Calibration(String pack, double threshold, double targetFmr, double measuredFmr, double measuredFnmr,
                          int impostorPairs, int genuinePairs, String source, String createdAt) {

    public static Path file(Path home, String packId) {
        return home.resolve("calibration").resolve(packId + ".json");
    }

    public static Optional<Calibration> read(Path file) throws ConsentryException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(file.toFile(), Calibration.class));
        } catch (IOException e) {
            throw new ConsentryException("unreadable calibration file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes atomically (temp file + rename). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".calibration-", ".json");
        try {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
