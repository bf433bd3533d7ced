package io.consentry.track;

import io.consentry.geometry.Box;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Synthetic faces for the tracker tests: boxes, descriptors shaped like face-api.js ones, and a run recorder. */
final class SyntheticFaces {
    private SyntheticFaces() {
    }

    static Box centred(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, w, h);
    }

    static Box jitter(Box b, Random rnd, double sigma) {
        return new Box(b.x() + rnd.nextGaussian() * sigma, b.y() + rnd.nextGaussian() * sigma,
                b.width() * (1 + rnd.nextGaussian() * 0.02), b.height() * (1 + rnd.nextGaussian() * 0.02));
    }

    /**
     * Descriptors with the geometry of face-api.js ones: a shared direction dominates, so different faces sit near
     * cosine 0.75 and views of one face near 0.97 (the pack's threshold, the tracker default, is 0.91).
     */
    static final class Descriptors {
        private static final int DIM = 128;
        private final Random rnd;
        private final float[] common;
        private final Map<Long, float[]> identities = new HashMap<>();

        Descriptors(long seed) {
            rnd = new Random(seed);
            common = unit(gaussian());
        }

        float[] of(long objectId) {
            float[] id = identities.computeIfAbsent(objectId, k -> unit(gaussian()));
            float[] noise = unit(gaussian());
            float[] v = new float[DIM];
            for (int k = 0; k < DIM; k++) {
                v[k] = (float) (Math.sqrt(0.75) * common[k] + Math.sqrt(0.22) * id[k] + Math.sqrt(0.03) * noise[k]);
            }
            return unit(v);
        }

        private float[] gaussian() {
            float[] v = new float[DIM];
            for (int k = 0; k < DIM; k++) {
                v[k] = (float) rnd.nextGaussian();
            }
            return v;
        }

        private static float[] unit(float[] v) {
            double n = 0;
            for (float x : v) {
                n += x * x;
            }
            float inv = (float) (1 / Math.sqrt(n));
            for (int k = 0; k < v.length; k++) {
                v[k] *= inv;
            }
            return v;
        }
    }

    /** One frame of a scene: the truth, and the detections the tracker gets with the object each came from. */
    record Frame(long index, List<TrackingMetrics.TruthBox> truth, List<TrackInput> inputs, List<Long> inputObjects) {
    }

    /** Builds one frame; {@link #detect} adds a truth box and, unless dropped, its detection. */
    static final class FrameBuilder {
        final long index;
        final List<TrackingMetrics.TruthBox> truth = new ArrayList<>();
        final List<TrackInput> inputs = new ArrayList<>();
        final List<Long> inputObjects = new ArrayList<>();

        FrameBuilder(long index) {
            this.index = index;
        }

        FrameBuilder detect(long objectId, Box trueBox, Box detected, float[] descriptor, boolean dropped) {
            truth.add(new TrackingMetrics.TruthBox(objectId, trueBox));
            if (!dropped) {
                inputs.add(descriptor == null ? TrackInput.of(detected, 0.9) : TrackInput.of(detected, 0.9, descriptor));
                inputObjects.add(objectId);
            }
            return this;
        }

        Frame build() {
            return new Frame(index, List.copyOf(truth), List.copyOf(inputs), List.copyOf(inputObjects));
        }
    }

    /** What a run produced: per-frame outputs and the checks every test shares. */
    static final class Run {
        final List<List<TrackState>> outputs = new ArrayList<>();
        final List<List<TrackingMetrics.Match>> confirmedMatches = new ArrayList<>();
        /** object id -> ids of the tracks its detections were assigned to */
        final Map<Long, Set<Long>> tracksOfObject = new HashMap<>();
        final List<TrackState> ended = new ArrayList<>();

        /** Runs every frame through {@code update} and drains ended tracks; finishes at the end. */
        static Run of(FaceTracker tracker, List<Frame> frames) {
            Run run = new Run();
            for (Frame f : frames) {
                run.record(f, tracker.update(f.index(), f.inputs()));
                run.ended.addAll(tracker.drainEnded());
            }
            run.ended.addAll(tracker.finish());
            return run;
        }

        void record(Frame f, List<TrackState> out) {
            outputs.add(out);
            Set<Integer> indexes = new HashSet<>();
            for (TrackState s : out) {
                if (s.detectionIndex() >= 0) {
                    if (!indexes.add(s.detectionIndex())) {
                        throw new AssertionError("detection " + s.detectionIndex() + " given to two tracks on frame " + f.index());
                    }
                    long object = f.inputObjects().get(s.detectionIndex());
                    tracksOfObject.computeIfAbsent(object, k -> new HashSet<>()).add(s.trackId());
                }
            }
            if (indexes.size() != f.inputs().size()) {
                throw new AssertionError("frame " + f.index() + ": " + f.inputs().size() + " detections but "
                        + indexes.size() + " reported");
            }
            List<TrackState> confirmed = out.stream().filter(TrackState::confirmed).toList();
            confirmedMatches.add(TrackingMetrics.matchByIou(f.truth(), confirmed, 0.5));
        }

        TrackingMetrics.Counts counts() {
            return TrackingMetrics.count(confirmedMatches);
        }

        /** Objects whose detections went to more than one track. */
        Map<Long, Set<Long>> splitObjects() {
            Map<Long, Set<Long>> split = new HashMap<>();
            tracksOfObject.forEach((o, ids) -> {
                if (ids.size() > 1) {
                    split.put(o, ids);
                }
            });
            return split;
        }
    }
}
