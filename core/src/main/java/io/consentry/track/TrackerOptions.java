package io.consentry.track;

/**
 * Immutable settings of a {@link FaceTracker}; build with {@link #builder()}, everything is optional. Frames are
 * counted in the caller's frame indexes (video frames), so the limits keep their meaning whether detection runs on
 * every frame or every n-th.
 *
 * <pre>{@code
 * TrackerOptions opts = TrackerOptions.builder()
 *         .optMaxMissedFrames(60)                             // 2 s at 30 fps
 *         .optMinAppearanceSimilarity(engine.threshold())     // the descriptor pack's "same person" threshold
 *         .build();
 * }</pre>
 *
 * @param iouThreshold            smallest IoU between a track's predicted box and a detection for the pair to be
 *                                matched on motion alone, in (0, 1] (default 0.3, SORT's)
 * @param maxMissedFrames         a track ends when more than this many frames have passed since its last detection
 *                                (default 30: one second at 30 fps, long enough to bridge a detector dropout or a
 *                                short occlusion; while it coasts the track still reports a predicted box, which is
 *                                what keeps redaction from flickering)
 * @param minHits                 detections before a track is confirmed (default 3, SORT's); confirmation is never
 *                                withdrawn
 * @param maxTentativeMisses      a track that is not yet confirmed ends after more than this many consecutive
 *                                detection runs without a match (default 2: with a detector that drops 5 % of
                                faces, 1 would split about one face in 150 into two tracks at its start; a
                                spurious detection then lingers as an unconfirmed box for 2 more detection runs)
 * @param appearanceWeight        weight of appearance in the pair cost when both track and detection carry a
 *                                descriptor, in [0, 1] (default 0.5): {@code cost = (1 − w)(1 − IoU) + w · d}, with
 *                                {@code d} the appearance distance described at {@link FaceTracker}
 * @param minAppearanceSimilarity cosine similarity at or above which two descriptors count as the same face, in
 *                                [-1, 1) (default 0.91, the default face-api.js pack's threshold). Set it to the
 *                                threshold of the pack that made the descriptors ({@code FaceEngine.threshold()}):
 *                                it both scales the appearance distance and allows a low-IoU "rescue" match
 * @param maxRescueDistance       a pair with IoU below {@code iouThreshold} may still match on appearance when the
 *                                detection's centre lies within this many predicted-box sides (the larger of width
 *                                and height) of the predicted centre and its size is within a factor 2 of the
 *                                predicted size (default 2.0; 0 disables rescue)
 * @param descriptorMomentum      a track's descriptor is the running average {@code m · old + (1 − m) · new},
 *                                re-normalised, in [0, 1) (default 0.9, BoT-SORT's; 0 keeps only the latest)
 */
public record TrackerOptions(double iouThreshold, int maxMissedFrames, int minHits, int maxTentativeMisses,
                             double appearanceWeight, double minAppearanceSimilarity, double maxRescueDistance,
                             double descriptorMomentum) {

    public TrackerOptions {
        if (!(iouThreshold > 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("iouThreshold must be in (0, 1], was " + iouThreshold);
        }
        if (maxMissedFrames < 0) {
            throw new IllegalArgumentException("maxMissedFrames must not be negative, was " + maxMissedFrames);
        }
        if (minHits < 1) {
            throw new IllegalArgumentException("minHits must be at least 1, was " + minHits);
        }
        if (maxTentativeMisses < 0) {
            throw new IllegalArgumentException("maxTentativeMisses must not be negative, was " + maxTentativeMisses);
        }
        if (!(appearanceWeight >= 0 && appearanceWeight <= 1)) {
            throw new IllegalArgumentException("appearanceWeight must be in [0, 1], was " + appearanceWeight);
        }
        if (!(minAppearanceSimilarity >= -1 && minAppearanceSimilarity < 1)) {
            throw new IllegalArgumentException("minAppearanceSimilarity must be in [-1, 1), was " + minAppearanceSimilarity);
        }
        if (!(maxRescueDistance >= 0 && Double.isFinite(maxRescueDistance))) {
            throw new IllegalArgumentException("maxRescueDistance must be finite and not negative, was " + maxRescueDistance);
        }
        if (!(descriptorMomentum >= 0 && descriptorMomentum < 1)) {
            throw new IllegalArgumentException("descriptorMomentum must be in [0, 1), was " + descriptorMomentum);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TrackerOptions defaults() {
        return builder().build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().optIouThreshold(iouThreshold).optMaxMissedFrames(maxMissedFrames).optMinHits(minHits)
                .optMaxTentativeMisses(maxTentativeMisses).optAppearanceWeight(appearanceWeight)
                .optMinAppearanceSimilarity(minAppearanceSimilarity).optMaxRescueDistance(maxRescueDistance)
                .optDescriptorMomentum(descriptorMomentum);
    }

    /** Builder: {@code opt*} methods set optional values; {@link #build()} validates. */
    public static final class Builder {
        private double iouThreshold = 0.3;
        private int maxMissedFrames = 30;
        private int minHits = 3;
        private int maxTentativeMisses = 2;
        private double appearanceWeight = 0.5;
        private double minAppearanceSimilarity = 0.91;
        private double maxRescueDistance = 2.0;
        private double descriptorMomentum = 0.9;

        private Builder() {
        }

        public Builder optIouThreshold(double iou) {
            this.iouThreshold = iou;
            return this;
        }

        public Builder optMaxMissedFrames(int frames) {
            this.maxMissedFrames = frames;
            return this;
        }

        public Builder optMinHits(int hits) {
            this.minHits = hits;
            return this;
        }

        public Builder optMaxTentativeMisses(int misses) {
            this.maxTentativeMisses = misses;
            return this;
        }

        public Builder optAppearanceWeight(double weight) {
            this.appearanceWeight = weight;
            return this;
        }

        public Builder optMinAppearanceSimilarity(double similarity) {
            this.minAppearanceSimilarity = similarity;
            return this;
        }

        public Builder optMaxRescueDistance(double boxSides) {
            this.maxRescueDistance = boxSides;
            return this;
        }

        public Builder optDescriptorMomentum(double momentum) {
            this.descriptorMomentum = momentum;
            return this;
        }

        public TrackerOptions build() {
            return new TrackerOptions(iouThreshold, maxMissedFrames, minHits, maxTentativeMisses, appearanceWeight,
                    minAppearanceSimilarity, maxRescueDistance, descriptorMomentum);
        }
    }
}
