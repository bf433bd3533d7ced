package io.consentry.engine;

import io.consentry.image.ImageLimits;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Immutable engine settings; build with {@link #builder()}. Everything is optional: the defaults open the pack in
 * {@code $CONSENTRY_HOME/models/faceapi-1.7.15} with its own detector.
 *
 * @param packDir     model pack folder
 * @param detector    detector override: {@code yunet:/path/model.onnx}, or a path whose layout is recognised; empty = the pack's
 * @param minScore    detection score threshold; empty = the detector's default (SSD 0.5, YuNet see {@code YunetDetector})
 * @param maxFaces    at most this many faces per image (default 100)
 * @param threads     ONNX Runtime threads per inference (0 = one per core)
 * @param imageLimits limits for decoding untrusted images
 */
public record EngineOptions(Path packDir, Optional<String> detector, Optional<Double> minScore, int maxFaces, int threads,
                            ImageLimits imageLimits) {

    public static Builder builder() {
        return new Builder();
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    /** Builder: {@code opt*} methods set optional values. */
    public static final class Builder {
        private Path packDir;
        private String detector;
        private Double minScore;
        private int maxFaces = 100;
        private int threads;
        private ImageLimits limits = ImageLimits.DEFAULT;

        public Builder optPackDir(Path p) {
            this.packDir = p;
            return this;
        }

        public Builder optDetector(String spec) {
            this.detector = spec;
            return this;
        }

        public Builder optMinScore(double s) {
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException("min score must be in [0, 1], got " + s);
            }
            this.minScore = s;
            return this;
        }

        public Builder optMaxFaces(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max faces must be at least 1, got " + n);
            }
            this.maxFaces = n;
            return this;
        }

        public Builder optThreads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + n);
            }
            this.threads = n;
            return this;
        }

        public Builder optImageLimits(ImageLimits l) {
            this.limits = l;
            return this;
        }

        public EngineOptions build() {
            Path dir = packDir != null ? packDir : Consentry.defaultPack(Consentry.home());
            return new EngineOptions(dir, Optional.ofNullable(detector), Optional.ofNullable(minScore), maxFaces, threads, limits);
        }
    }
}
