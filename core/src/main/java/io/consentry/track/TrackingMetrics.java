package io.consentry.track;

import io.consentry.geometry.Box;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Identity metrics of a tracker against ground truth (CLEAR-MOT / MOTChallenge definitions): ID switches and
 * fragmentations, from per-frame (ground-truth object → track) matches.
 *
 * <pre>{@code
 * List<List<TrackingMetrics.Match>> frames = new ArrayList<>();
 * for (...) {
 *     List<TrackState> confirmed = tracker.update(f, inputs).stream().filter(TrackState::confirmed).toList();
 *     frames.add(TrackingMetrics.matchByIou(truthOfFrame(f), confirmed, 0.5));
 * }
 * TrackingMetrics.Counts c = TrackingMetrics.count(frames);   // c.idSwitches(), c.fragmentations()
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TrackingMetrics {
    /** The {@link Match#trackId()} of a ground-truth object that is present on a frame but matched to no track. */
    public static final long NO_TRACK = 0;

    private TrackingMetrics() {
    }

    /** A ground-truth face on one frame: object id (stable over the object's life) and box in pixels. */
    public record TruthBox(long objectId, Box box) {
    }

    /** On one frame, ground-truth object {@code objectId} is covered by track {@code trackId}, or by none ({@link #NO_TRACK}). */
    public record Match(long objectId, long trackId) {
    }

    /**
     * @param objects        distinct ground-truth objects seen
     * @param objectFrames   (object, frame) pairs seen, i.e. matches given, matched or not
     * @param matchedFrames  those matched to a track
     * @param idSwitches     times an object was matched to a different track than on its previous matched frame
     * @param fragmentations times an object's coverage resumed after at least one present-but-unmatched frame
     */
    public record Counts(int objects, int objectFrames, int matchedFrames, int idSwitches, int fragmentations) {
        /** Fraction of (object, frame) pairs matched to a track; 1 when there are none. */
        public double coverage() {
            return objectFrames == 0 ? 1 : (double) matchedFrames / objectFrames;
        }
    }

    /**
     * One frame's matches: the one-to-one pairing of ground-truth boxes and track boxes ({@link TrackState#box()})
     * with the most pairs at {@code IoU >= minIou}, and among those the highest total IoU. Every ground-truth object
     * gets a {@link Match}, {@link #NO_TRACK} when unmatched. Unlike CLEAR-MOT proper, the previous frame's pairs are
     * not preferred, so a pure tie in IoU can count as a switch. Pass only the tracks to be judged (typically the
     * confirmed ones).
     *
     * @param minIou in (0, 1]; 0.5 is the usual value
     */
    public static List<Match> matchByIou(List<TruthBox> truth, List<TrackState> tracks, double minIou) {
        if (!(minIou > 0 && minIou <= 1)) {
            throw new IllegalArgumentException("minIou must be in (0, 1], was " + minIou);
        }
        int n = truth.size();
        int m = tracks.size();
        double[] cost = new double[n * m];
        for (int i = 0; i < n; i++) {
            Box g = truth.get(i).box();
            for (int j = 0; j < m; j++) {
                double iou = g.iou(tracks.get(j).box());
                cost[i * m + j] = iou >= minIou ? 1 - iou : Double.POSITIVE_INFINITY;
            }
        }
        // limit 2: one pair is worth 1 + IoU, so more pairs always win, then more IoU
        int[] match = LinearAssignment.solveWithLimit(cost, n, m, 2);
        List<Match> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Match(truth.get(i).objectId(), match[i] >= 0 ? tracks.get(match[i]).trackId() : NO_TRACK));
        }
        return out;
    }

    /**
     * Counts over a sequence of frames, in frame order. An object absent from a frame's list is taken as not present
     * on that frame (it left the image), which neither fragments nor switches it; an object listed with
     * {@link #NO_TRACK} is present and missed.
     *
     * @throws IllegalArgumentException when an object is listed twice on one frame
     */
    public static Counts count(List<List<Match>> frames) {
        Map<Long, History> histories = new HashMap<>();
        int objectFrames = 0;
        int matched = 0;
        int switches = 0;
        int fragmentations = 0;
        Set<Long> seenThisFrame = new HashSet<>();
        for (List<Match> frame : frames) {
            seenThisFrame.clear();
            for (Match mt : frame) {
                if (!seenThisFrame.add(mt.objectId())) {
                    throw new IllegalArgumentException("object " + mt.objectId() + " listed twice on one frame");
                }
                objectFrames++;
                History h = histories.computeIfAbsent(mt.objectId(), id -> new History());
                if (mt.trackId() == NO_TRACK) {
                    h.trackedLastTime = false;
                    continue;
                }
                matched++;
                if (h.lastTrack != NO_TRACK && h.lastTrack != mt.trackId()) {
                    switches++;
                }
                if (h.lastTrack != NO_TRACK && !h.trackedLastTime) {
                    fragmentations++;
                }
                h.lastTrack = mt.trackId();
                h.trackedLastTime = true;
            }
        }
        return new Counts(histories.size(), objectFrames, matched, switches, fragmentations);
    }

    private static final class History {
        long lastTrack = NO_TRACK;
        boolean trackedLastTime;
    }
}
