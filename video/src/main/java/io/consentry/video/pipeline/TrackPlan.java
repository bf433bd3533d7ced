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

        /** The box at {@code frame}: observed, interpolated, or held (outside the observed range). */
        public Box boxAt(long frame) {
            List<Observation> o = observations;
            if (frame <= o.get(0).frame()) {
                return o.get(0).box();
            }
            if (frame >= o.get(o.size() - 1).frame()) {
                return o.get(o.size() - 1).box();
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
