package io.consentry.video.pipeline;

import io.consentry.geometry.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Where each tracked face is in every frame of a video, known after a full pass: detections where the detector ran,
 * linear interpolation between them (frames skipped by the detection interval or missed by the detector), and the
 * first and last box held for {@code padFrames} frames before the track's first and after its last detection, so a
 * face entering or leaving is covered before it is first detected. Immutable.
 */
public final class TrackPlan {
    /** A face found by the detector: frame index, box in frame pixels, detector score. */
    public record Observation(long frame, Box box, double score) {
    }

    /**
     * One track: its observations in frame order.
     *
     * @param spared whether this face is left visible (a consenting enrolled person), decided after the pass
     */
    public record PlannedTrack(long trackId, List<Observation> observations, boolean spared) {
        public PlannedTrack {
            observations = List.copyOf(observations);
            if (observations.isEmpty()) {
                throw new IllegalArgumentException("a track needs at least one observation");
            }
        }

        public long firstFrame() {
            return observations.get(0).frame();
        }

        public long lastFrame() {
            return observations.get(observations.size() - 1).frame();
        }

        /**
         * The box at {@code frame}: observed or interpolated inside the observed range. Between a track's first two
         * (and last two) detections, the union of both boxes, because a face entering or leaving is often detected
         * while partly cut off. Outside the range (padding), that union grown by the box moved on at the track's
         * velocity at that end, so a face entering or leaving fast stays covered.
         */
        public Box boxAt(long frame) {
            List<Observation> o = observations;
            int n = o.size();
            if (n >= 2 && frame <= o.get(1).frame()) {
                // a face entering is often detected first while partly outside the frame or turned: its first box is
                // too small, so up to the second detection both boxes are covered
                Box edge = union(o.get(0).box(), o.get(1).box());
                return frame <= o.get(0).frame() ? union(edge, extrapolated(o.get(0), o.get(1), frame)) : edge;
            }
            if (n >= 2 && frame >= o.get(n - 2).frame()) {
                Box edge = union(o.get(n - 1).box(), o.get(n - 2).box());
                return frame >= o.get(n - 1).frame() ? union(edge, extrapolated(o.get(n - 1), o.get(n - 2), frame)) : edge;
            }
            if (frame <= o.get(0).frame()) {
                return o.get(0).box();
            }
            if (frame >= o.get(n - 1).frame()) {
                return o.get(n - 1).box();
            }
            int lo = 0;
            int hi = o.size() - 1;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (o.get(mid).frame() <= frame) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            Observation a = o.get(lo);
            Observation b = o.get(hi);
            double t = (frame - a.frame()) / (double) (b.frame() - a.frame());
            Box p = a.box();
            Box q = b.box();
            return new Box(p.x() + (q.x() - p.x()) * t, p.y() + (q.y() - p.y()) * t, p.width() + (q.width() - p.width()) * t,
                    p.height() + (q.height() - p.height()) * t);
        }

        /** Union of {@code end}'s box and that box moved by the velocity between {@code end} and {@code inner}. */
        private static Box extrapolated(Observation end, Observation inner, long frame) {
            double dt = end.frame() - inner.frame();
            Box e = end.box();
            Box i = inner.box();
            double steps = (frame - end.frame()) / dt;
            double dx = (e.x() + e.width() / 2 - i.x() - i.width() / 2) * steps;
            double dy = (e.y() + e.height() / 2 - i.y() - i.height() / 2) * steps;
            double x0 = Math.min(e.x(), e.x() + dx);
            double y0 = Math.min(e.y(), e.y() + dy);
            double x1 = Math.max(e.right(), e.right() + dx);
            double y1 = Math.max(e.bottom(), e.bottom() + dy);
            return new Box(x0, y0, x1 - x0, y1 - y0);
        }

        private static Box union(Box a, Box b) {
            double x0 = Math.min(a.x(), b.x());
            double y0 = Math.min(a.y(), b.y());
            return new Box(x0, y0, Math.max(a.right(), b.right()) - x0, Math.max(a.bottom(), b.bottom()) - y0);
        }

        PlannedTrack withSpared(boolean s) {
            return new PlannedTrack(trackId, observations, s);
        }
    }

    private final List<PlannedTrack> tracks;
    private final int padFrames;

    public TrackPlan(List<PlannedTrack> tracks, int padFrames) {
        this.tracks = List.copyOf(tracks);
        this.padFrames = padFrames;
    }

    public List<PlannedTrack> tracks() {
        return tracks;
    }

    public int padFrames() {
        return padFrames;
    }

    /** Boxes of every non-spared track present (observed, interpolated or padded) at {@code frame}. */
    public List<Box> redactedAt(long frame) {
        List<Box> out = new ArrayList<>();
        for (PlannedTrack t : tracks) {
            if (!t.spared() && frame >= t.firstFrame() - padFrames && frame <= t.lastFrame() + padFrames) {
                out.add(t.boxAt(frame));
            }
        }
        return out;
    }

    /** The same plan with the given tracks marked spared. */
    public TrackPlan withSpared(java.util.Set<Long> sparedIds) {
        Objects.requireNonNull(sparedIds, "sparedIds");
        return new TrackPlan(tracks.stream().map(t -> t.withSpared(sparedIds.contains(t.trackId()))).toList(), padFrames);
    }

    /** Tracks by first frame. */
    public List<PlannedTrack> byStart() {
        return tracks.stream().sorted(Comparator.comparingLong(PlannedTrack::firstFrame)).toList();
    }
}
