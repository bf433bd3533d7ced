package io.consentry.engine;

import io.consentry.align.Alignment;
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
 * @param alignment   how the descriptor crop is cut (default {@link Alignment#CHIP_68}, the most accurate on LFW;
 *                    {@link Alignment#FACEAPI_BOX} reproduces face-api.js exactly)
 * @param flipAugment average the descriptors of the crop and its mirror image (default false)
 * @param scaleFallback when the detector finds no face, retry on the image zero-padded to 2x and then 1.5x its size
 *                    (centred), so that faces filling the frame become detectable (default true; face-api.js does not)
 * @param calibrationDir folder of {@code <pack>.json} calibrations (default {@code $CONSENTRY_HOME/calibration})
 */
public record EngineOptions(Path packDir, Optional<String> detector, Optional<Double> minScore, int maxFaces, int threads,
                            ImageLimits imageLimits, Alignment alignment, boolean flipAugment, boolean scaleFallback,
                            Path calibrationDir) {

    public static Builder builder() {
        return new Builder();
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    /** Builder: {@code opt*} methods set optional values. */
    public static final class Builder {
        private Path packDir;
        private Path home;

        /** Consentry home: the default pack and calibration live below it (default {@code $CONSENTRY_HOME}). */
        public Builder optHome(Path h) {
            this.home = h;
            return this;
        }
        private String detector;
        private Double minScore;
        private int maxFaces = 100;
        private int threads;
        private ImageLimits limits = ImageLimits.DEFAULT;
        private Alignment alignment = Alignment.CHIP_68;
        private boolean flip;
        private boolean scaleFallback = true;

        public Builder optScaleFallback(boolean on) {
            this.scaleFallback = on;
            return this;
        }

        public Builder optAlignment(Alignment a) {
            this.alignment = java.util.Objects.requireNonNull(a);
            return this;
        }

        public Builder optFlipAugment(boolean f) {
            this.flip = f;
            return this;
        }

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
            Path h = home != null ? home : Consentry.home();
            Path dir = packDir != null ? packDir : Consentry.defaultPack(h);
            return new EngineOptions(dir, Optional.ofNullable(detector), Optional.ofNullable(minScore), maxFaces, threads, limits,
                    alignment, flip, scaleFallback, h.resolve("calibration"));
        }
    }
}
