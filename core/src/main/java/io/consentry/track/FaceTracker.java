package io.consentry.track;

import io.consentry.geometry.Box;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Multi-face tracker for one video stream, SORT-class: a constant-velocity Kalman filter per face, optimal
 * assignment of detections to predicted boxes, and an optional appearance cue.
 *
 * <pre>{@code
 * FaceTracker tracker = new FaceTracker(TrackerOptions.builder().optMinAppearanceSimilarity(engine.threshold()).build());
 * for (long f = 0; video.hasNext(); f++) {
 *     List<TrackState> tracks = f % 3 == 0
 *             ? tracker.update(f, detect(frame))      // detector ran on this frame
 *             : tracker.predict(f);                   // detector skipped: boxes move by their velocity
 *     redact(frame, tracks);                          // every returned box, confirmed or not
 *     tracker.drainEnded().forEach(t -> events.trackEnded(t));
 * }
 * tracker.finish().forEach(t -> events.trackEnded(t));
 * }</pre>
 *
 * <h2>Motion</h2>
 * State: centre x, centre y, width, height in pixels and their velocities in pixels per frame; noise scales with the
 * box size (details at {@code BoxKalmanFilter}). Every call advances all tracks to its frame index, so frame indexes
 * must strictly increase and may skip values.
 *
 * <h2>Association</h2>
 * Each {@link #update} matches detections to the tracks' predicted boxes in two rounds of optimal assignment
 * ({@link LinearAssignment#solveWithLimit} with limit 1): confirmed tracks first, so a tentative track (a duplicate
 * or spurious detection) never takes a detection from an established face; then tentative tracks with the
 * detections left over. A pair (track, detection) may match when
 * <ul>
 *   <li>{@code IoU(predicted, detected) >= iouThreshold}; or</li>
 *   <li>both carry descriptors, their cosine similarity is at least {@code minAppearanceSimilarity}, and the
 *       detection is within the rescue gate ({@link TrackerOptions#maxRescueDistance()}): appearance rescues a
 *       low-IoU match after an occlusion, a missed run of detections or fast motion.</li>
 * </ul>
 * Its cost is {@code 1 − IoU} without descriptors, and {@code (1 − w)(1 − IoU) + w · d} with both descriptors,
 * where {@code w = appearanceWeight} and {@code d = clamp((1 − cos) / (2 (1 − minAppearanceSimilarity)), 0, 1)}:
 * 0 for identical descriptors, 0.5 exactly at the same-face threshold, 1 at twice the threshold's distance or
 * beyond. Scaling by the threshold makes the weight mean the same for a pack whose different faces sit at cosine
 * 0.8 (face-api.js) and for one where they sit at 0.1. A track's descriptor is the running average of its matched
 * detections' descriptors ({@link TrackerOptions#descriptorMomentum()}). Every detection ends up in the returned
 * list exactly once: matched to a track, or as the first box of a new tentative track.
 *
 * <h2>Life cycle</h2>
 * A track is born tentative from an unmatched detection, becomes confirmed at {@code minHits} detections, and ends
 * in {@link #update} when more than {@code maxMissedFrames} frames have passed since its last detection, or, while
 * still tentative, after more than {@code maxTentativeMisses} consecutive unmatched detection runs. {@link #predict}
 * never ends a track and never counts a miss, so skipping detection on some frames does not shorten track lives
 * (keep {@code maxMissedFrames} above the detection interval). Ended tracks are collected for
 * {@link #drainEnded()}; {@link #finish()} ends the rest. Each ended track is reported exactly once.
 *
 * <h2>Redaction</h2>
 * The returned list holds every live track: confirmed and tentative, detected on this frame or coasting on its
 * prediction ({@code detectionIndex == -1}) until it ends. Redacting every returned box therefore covers every
 * detection and keeps covering a face through detector dropouts of up to {@code maxMissedFrames}.
 *
 * <p>Cost: one {@code update} with n tracks and m detections is {@code O(n·m)} for the cost matrix (a descriptor
 * dot product only for pairs that pass the IoU or rescue gate) plus {@code O(min(n,m)²·(n+m))} for the assignment:
 * about 25 µs for 40 faces without descriptors and 45 µs with 128-D ones (one core, warmed-up JIT).
 *
 * <p>Not thread-safe: use one tracker per stream, from one thread at a time.
 */
public final class FaceTracker {
    /** Assignment limit: every admissible pair costs less (see the class comment). */
    private static final double COST_LIMIT = 1.0;
    /** Size gate of a rescue match: detection side within this factor of the predicted side. */
    private static final double RESCUE_SIZE_FACTOR = 2.0;
    /** Size gate of a proximity match. */
    private static final double PROXIMITY_SIZE_FACTOR = 1.5;

    private final TrackerOptions options;
    private final List<Track> live = new ArrayList<>();
    private final List<TrackState> ended = new ArrayList<>();
    private long nextId = 1;
    private boolean started;
    private long lastFrame;
    private int descriptorLength = -1;

    /** A tracker with {@link TrackerOptions#defaults()}. */
    public FaceTracker() {
        this(TrackerOptions.defaults());
    }

    public FaceTracker(TrackerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public TrackerOptions options() {
        return options;
    }

    /**
     * A frame on which detection ran: predicts every track to {@code frameIndex}, matches {@code detections}, updates
     * matched tracks, ends tracks past their miss limits and starts tentative tracks for unmatched detections.
     *
     * @param frameIndex greater than the previous call's
     * @param detections this frame's faces (may be empty); {@link TrackState#detectionIndex()} indexes this list
     * @return every live track after the update, by increasing {@code trackId}
     */
    public List<TrackState> update(long frameIndex, List<TrackInput> detections) {
        checkFrame(frameIndex);
        int m = detections.size();
        for (int j = 0; j < m; j++) {
            Objects.requireNonNull(detections.get(j), "detection " + j);
            checkDescriptorLength(detections.get(j));
        }
        advance(frameIndex);
        int n = live.size();
        int[] detectionOfTrack = new int[n];
        Arrays.fill(detectionOfTrack, -1);
        boolean[] detectionTaken = new boolean[m];
        associate(true, detections, detectionOfTrack, detectionTaken);
        associate(false, detections, detectionOfTrack, detectionTaken);

        List<TrackState> out = new ArrayList<>(n + m);
        List<Track> survivors = new ArrayList<>(n + m);
        for (int i = 0; i < n; i++) {
            Track t = live.get(i);
            int j = detectionOfTrack[i];
            if (j >= 0) {
                t.correct(frameIndex, detections.get(j), options);
                out.add(t.state(j));
                survivors.add(t);
                continue;
            }
            t.misses++;
            boolean tooOld = frameIndex - t.lastDetectedFrame > options.maxMissedFrames();
            boolean tentativeLost = !t.confirmed && t.misses > options.maxTentativeMisses();
            if (tooOld || tentativeLost) {
                ended.add(t.state(-1));
            } else {
                out.add(t.state(-1));
                survivors.add(t);
            }
        }
        for (int j = 0; j < m; j++) {
            if (!detectionTaken[j]) {
                Track t = new Track(nextId++, frameIndex, detections.get(j), options);
                out.add(t.state(j));
                survivors.add(t);
            }
        }
        live.clear();
        live.addAll(survivors);
        return out;
    }

    /**
     * A frame on which detection was skipped: every track moves by its velocity to {@code frameIndex}. Counts no miss
     * and ends no track.
     *
     * @param frameIndex greater than the previous call's
     * @return every live track with its predicted box ({@code detectionIndex == -1}), by increasing {@code trackId}
     */
    public List<TrackState> predict(long frameIndex) {
        advance(frameIndex);
        List<TrackState> out = new ArrayList<>(live.size());
        for (Track t : live) {
            out.add(t.state(-1));
        }
        return out;
    }

    /**
     * Tracks that ended since the previous drain (by miss limits in {@link #update}), in the order they ended, each
     * with its last box (a prediction past its last detection) and {@code detectionIndex == -1}; clears the list.
     */
    public List<TrackState> drainEnded() {
        List<TrackState> out = List.copyOf(ended);
        ended.clear();
        return out;
    }

    /**
     * End of stream: ends every live track and returns it together with any not yet drained ended tracks (so each
     * ended track is reported exactly once across {@link #drainEnded()} and this). The tracker may then serve a new
     * stream whose frame indexes start anywhere; track ids keep increasing.
     */
    public List<TrackState> finish() {
        for (Track t : live) {
            ended.add(t.state(-1));
        }
        live.clear();
        started = false;
        return drainEnded();
    }

    /** Number of live (not ended) tracks, tentative ones included. */
    public int liveTracks() {
        return live.size();
    }

    private void checkFrame(long frameIndex) {
        if (started && frameIndex <= lastFrame) {
            throw new IllegalArgumentException("frame indexes must increase: " + frameIndex + " after " + lastFrame);
        }
    }

    private void advance(long frameIndex) {
        checkFrame(frameIndex);
        long dt = started ? frameIndex - lastFrame : 0;
        for (Track t : live) {
            t.advance(dt);
        }
        started = true;
        lastFrame = frameIndex;
    }

    /** One assignment round over the confirmed (or tentative) tracks and the untaken detections. */
    private void associate(boolean confirmed, List<TrackInput> detections, int[] detectionOfTrack, boolean[] detectionTaken) {
        int n = live.size();
        int m = detections.size();
        int[] rows = new int[n];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (live.get(i).confirmed == confirmed) {
                rows[r++] = i;
            }
        }
        int[] cols = new int[m];
        int c = 0;
        for (int j = 0; j < m; j++) {
            if (!detectionTaken[j]) {
                cols[c++] = j;
            }
        }
        if (r == 0 || c == 0) {
            return;
        }
        double[] cost = new double[r * c];
        for (int a = 0; a < r; a++) {
            Track t = live.get(rows[a]);
            for (int b = 0; b < c; b++) {
                cost[a * c + b] = pairCost(t, detections.get(cols[b]));
            }
        }
        int[] match = LinearAssignment.solveWithLimit(cost, r, c, COST_LIMIT);
        for (int a = 0; a < r; a++) {
            if (match[a] >= 0) {
                int j = cols[match[a]];
                detectionOfTrack[rows[a]] = j;
                detectionTaken[j] = true;
            }
        }
    }

    /** Cost of matching {@code t} to {@code d}, {@code +∞} when the pair is not admissible. */
    private double pairCost(Track t, TrackInput d) {
        Box p = t.predicted;
        Box db = d.box();
        double iou = p.iou(db);
        boolean iouOk = iou >= options.iouThreshold();
        if (t.descriptor == null || d.descriptor().isEmpty()) {
            if (iouOk) {
                return 1 - iou;
            }
            // motion only, no overlap with the prediction: fast faces (relative to their size) and tracks whose velocity
            // the filter has not learnt yet. The nearest detection within one box side (two for a track seen fewer than
            // three times, whose prediction is only its last box) may still match, at a cost above every overlap match,
            // so it never wins over one.
            double reach = t.hits < 3 ? 2 : 1;
            double near = proximity(p, db) / reach;
            double floor = 1 - options.iouThreshold() + 1e-9;
            return near <= 1 ? floor + (COST_LIMIT - floor) * 0.9 * near : Double.POSITIVE_INFINITY;
        }
        if (!iouOk && !withinRescueGate(p, db)) {
            return Double.POSITIVE_INFINITY;  // decided before the dot product: most pairs in a crowd end here
        }
        double cos = dot(t.descriptor, d.descriptor().get());
        if (!iouOk && cos < options.minAppearanceSimilarity()) {
            return Double.POSITIVE_INFINITY;
        }
        double distance = Math.min(1, Math.max(0, (1 - cos) / (2 * (1 - options.minAppearanceSimilarity()))));
        double w = options.appearanceWeight();
        return (1 - w) * (1 - iou) + w * distance;
    }

    /**
     * Centre distance between the predicted box and a detection in predicted-box sides, or +∞ when their sizes differ
     * by more than {@link #PROXIMITY_SIZE_FACTOR}.
     */
    private static double proximity(Box p, Box d) {
        double side = Math.max(p.width(), p.height());
        double dSide = Math.max(d.width(), d.height());
        if (dSide > side * PROXIMITY_SIZE_FACTOR || side > dSide * PROXIMITY_SIZE_FACTOR) {
            return Double.POSITIVE_INFINITY;
        }
        double dx = (d.x() + d.width() / 2) - (p.x() + p.width() / 2);
        double dy = (d.y() + d.height() / 2) - (p.y() + p.height() / 2);
        return Math.sqrt(dx * dx + dy * dy) / side;
    }

    private boolean withinRescueGate(Box p, Box d) {
        if (options.maxRescueDistance() == 0) {
            return false;
        }
        double side = Math.max(p.width(), p.height());
        double dx = (d.x() + d.width() / 2) - (p.x() + p.width() / 2);
        double dy = (d.y() + d.height() / 2) - (p.y() + p.height() / 2);
        double reach = options.maxRescueDistance() * side;
        if (dx * dx + dy * dy > reach * reach) {
            return false;
        }
        double dSide = Math.max(d.width(), d.height());
        return dSide <= side * RESCUE_SIZE_FACTOR && side <= dSide * RESCUE_SIZE_FACTOR;
    }

    private void checkDescriptorLength(TrackInput d) {
        if (d.descriptor().isEmpty()) {
            return;
        }
        int len = d.descriptor().get().length;
        if (descriptorLength < 0) {
            descriptorLength = len;  // the first descriptor seen fixes the length; it is valid whatever follows
        } else if (len != descriptorLength) {
            throw new IllegalArgumentException("descriptor length " + len + " differs from this tracker's " + descriptorLength);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** Mutable per-face state; owned by the tracker. */
    private static final class Track {
        final long id;
        final long firstFrame;
        final BoxKalmanFilter filter;
        Box predicted;
        float[] descriptor;
        boolean confirmed;
        int hits;
        int misses;
        long lastDetectedFrame;

        Track(long id, long frame, TrackInput first, TrackerOptions options) {
            this.id = id;
            this.firstFrame = frame;
            this.filter = new BoxKalmanFilter(first.box());
            this.predicted = filter.box();
            this.hits = 1;
            this.lastDetectedFrame = frame;
            this.confirmed = options.minHits() <= 1;
            first.descriptor().ifPresent(v -> descriptor = v.clone());
        }

        void advance(long frames) {
            filter.predict(frames);
            predicted = filter.box();
        }

        void correct(long frame, TrackInput d, TrackerOptions options) {
            filter.update(d.box());
            hits++;
            misses = 0;
            lastDetectedFrame = frame;
            confirmed |= hits >= options.minHits();
            d.descriptor().ifPresent(v -> blendDescriptor(v, options.descriptorMomentum()));
        }

        private void blendDescriptor(float[] v, double momentum) {
            if (descriptor == null) {
                descriptor = v.clone();
                return;
            }
            double norm = 0;
            for (int k = 0; k < v.length; k++) {
                double x = momentum * descriptor[k] + (1 - momentum) * v[k];
                descriptor[k] = (float) x;
                norm += x * x;
            }
            if (norm > 0) {
                float inv = (float) (1 / Math.sqrt(norm));
                for (int k = 0; k < v.length; k++) {
                    descriptor[k] *= inv;
                }
            } else {
                System.arraycopy(v, 0, descriptor, 0, v.length);
            }
        }

        TrackState state(int detectionIndex) {
            return new TrackState(id, filter.box(), predicted, confirmed, hits, misses, firstFrame, lastDetectedFrame, detectionIndex);
        }
    }
}
