package io.consentry.track;

import io.consentry.geometry.Box;
import io.consentry.track.SyntheticFaces.Frame;
import io.consentry.track.SyntheticFaces.FrameBuilder;
import io.consentry.track.SyntheticFaces.Run;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.consentry.track.SyntheticFaces.centred;
import static io.consentry.track.SyntheticFaces.jitter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceTrackerLifecycleTest {
    private static final Box FACE = new Box(100, 100, 60, 60);

    @Test
    void facesEnteringAndLeavingEndOnceAndIdsAreNeverReused() {
        // 12 faces, each visible on [enter, leave), walking across at 3 px/frame; several visible at once
        int[] enter = {0, 0, 5, 12, 20, 20, 33, 40, 41, 60, 75, 90};
        int[] leave = {30, 95, 25, 50, 45, 110, 70, 80, 120, 100, 115, 120};
        int maxMissed = 10;
        Random rnd = new Random(3);
        List<Frame> frames = new ArrayList<>();
        for (int f = 0; f < 130; f++) {
            FrameBuilder fb = new FrameBuilder(f);
            for (int i = 0; i < enter.length; i++) {
                if (f >= enter[i] && f < leave[i]) {
                    Box truth = centred(60 + 3 * (f - enter[i]), 60 + 55 * i, 48, 48);
                    fb.detect(i + 1, truth, jitter(truth, rnd, 1), null, false);
                }
            }
            frames.add(fb.build());
        }
        FaceTracker tracker = new FaceTracker(TrackerOptions.builder().optMaxMissedFrames(maxMissed).build());
        Map<Long, Long> endedOnFrame = new HashMap<>();
        List<TrackState> endedAll = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long maxId = 0;
        Run run = new Run();
        for (Frame f : frames) {
            List<TrackState> out = tracker.update(f.index(), f.inputs());
            run.record(f, out);
            for (TrackState s : out) {
                assertFalse(endedOnFrame.containsKey(s.trackId()), "ended track " + s.trackId() + " came back");
                if (seen.add(s.trackId())) {
                    assertEquals(maxId + 1, s.trackId(), "ids are handed out in order");
                    maxId = s.trackId();
                }
            }
            for (TrackState s : tracker.drainEnded()) {
                endedAll.add(s);
                endedOnFrame.put(s.trackId(), f.index());
            }
            assertTrue(tracker.drainEnded().isEmpty(), "a drain empties the list");
        }
        List<TrackState> finished = tracker.finish();
        endedAll.addAll(finished);

        Set<Long> endedIds = new HashSet<>();
        for (TrackState s : endedAll) {
            assertTrue(endedIds.add(s.trackId()), "track " + s.trackId() + " reported ended twice");
            assertEquals(-1, s.detectionIndex());
        }
        assertEquals(seen, endedIds, "every track ends exactly once");
        assertEquals(enter.length, seen.size(), "one track per face");
        assertEquals(Set.of(), run.splitObjects().keySet());
        // a face that left on frame L was last detected on L-1 and ends on the first update past maxMissed frames
        for (int i = 0; i < enter.length; i++) {
            long track = run.tracksOfObject.get((long) (i + 1)).iterator().next();
            long expectedEnd = leave[i] - 1 + maxMissed + 1;
            if (expectedEnd < frames.size()) {
                assertEquals(expectedEnd, endedOnFrame.get(track), "face " + (i + 1));
            } else {
                assertTrue(finished.stream().anyMatch(s -> s.trackId() == track), "face " + (i + 1) + " ended by finish()");
            }
        }
        assertTrue(tracker.finish().isEmpty());
        // ids keep increasing after finish()
        assertEquals(maxId + 1, tracker.update(0, List.of(TrackInput.of(FACE, 0.9))).get(0).trackId());
    }

    @Test
    void predictNeitherCountsMissesNorEndsTracks() {
        FaceTracker tracker = new FaceTracker();
        for (int f = 0; f < 3; f++) {
            tracker.update(f, List.of(TrackInput.of(FACE, 0.9)));
        }
        for (int f = 3; f < 100; f++) {
            List<TrackState> out = tracker.predict(f);
            assertEquals(1, out.size());
            assertEquals(0, out.get(0).misses());
            assertEquals(-1, out.get(0).detectionIndex());
            assertEquals(out.get(0).predicted(), out.get(0).box());
        }
        assertTrue(tracker.drainEnded().isEmpty());
        // the next detection run finds it 98 frames past its last detection: more than maxMissedFrames (30)
        assertTrue(tracker.update(100, List.of()).isEmpty());
        List<TrackState> ended = tracker.drainEnded();
        assertEquals(1, ended.size());
        assertTrue(ended.get(0).confirmed());
        assertEquals(2, ended.get(0).lastDetectedFrame());
    }

    @Test
    void coastingTrackReportsItsPredictionUntilMaxMissedFrames() {
        FaceTracker tracker = new FaceTracker(TrackerOptions.builder().optMaxMissedFrames(5).build());
        for (int f = 0; f < 5; f++) {
            tracker.update(f, List.of(TrackInput.of(new Box(100 + 4 * f, 100, 60, 60), 0.9)));
        }
        for (int f = 5; f <= 9; f++) {
            List<TrackState> out = tracker.update(f, List.of());
            assertEquals(1, out.size(), "frame " + f);
            assertEquals(f - 4, out.get(0).misses());
            assertTrue(out.get(0).box().x() > 100 + 4 * 4, "keeps moving on its velocity");
        }
        assertTrue(tracker.update(10, List.of()).isEmpty());
        assertEquals(1, tracker.drainEnded().size());
    }

    @Test
    void tentativeTrackEndsAfterMaxTentativeMisses() {
        FaceTracker tracker = new FaceTracker();
        TrackState born = tracker.update(0, List.of(TrackInput.of(FACE, 0.4))).get(0);
        assertFalse(born.confirmed());
        assertEquals(1, born.hits());
        assertEquals(1, tracker.update(1, List.of()).size(), "misses are forgiven up to maxTentativeMisses (2)");
        assertEquals(2, tracker.update(2, List.of()).get(0).misses());
        assertTrue(tracker.update(3, List.of()).isEmpty());
        List<TrackState> ended = tracker.drainEnded();
        assertEquals(1, ended.size());
        assertFalse(ended.get(0).confirmed());
    }

    @Test
    void confirmationNeedsMinHits() {
        FaceTracker tracker = new FaceTracker();
        assertFalse(tracker.update(0, List.of(TrackInput.of(FACE, 0.9))).get(0).confirmed());
        assertFalse(tracker.update(1, List.of(TrackInput.of(FACE, 0.9))).get(0).confirmed());
        TrackState third = tracker.update(2, List.of(TrackInput.of(FACE, 0.9))).get(0);
        assertTrue(third.confirmed());
        assertEquals(3, third.hits());
        assertEquals(0, third.firstFrame());
        assertEquals(2, third.lastDetectedFrame());
        assertTrue(new FaceTracker(TrackerOptions.builder().optMinHits(1).build())
                .update(0, List.of(TrackInput.of(FACE, 0.9))).get(0).confirmed());
    }

    @Test
    void rejectsBadCalls() {
        FaceTracker tracker = new FaceTracker();
        tracker.update(5, List.of());
        assertThrows(IllegalArgumentException.class, () -> tracker.update(5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> tracker.predict(4));
        assertThrows(IllegalArgumentException.class, () -> TrackInput.of(new Box(0, 0, 0, 10), 0.9));
        assertThrows(IllegalArgumentException.class, () -> TrackInput.of(FACE, 0.9, new float[]{1, 1}));
        tracker.update(6, List.of(TrackInput.of(FACE, 0.9, new float[]{1, 0})));
        assertThrows(IllegalArgumentException.class, () -> tracker.update(7, List.of(TrackInput.of(FACE, 0.9, new float[]{1, 0, 0}))));
        assertThrows(IllegalArgumentException.class, () -> TrackerOptions.builder().optIouThreshold(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrackerOptions.builder().optMinAppearanceSimilarity(1).build());
        assertEquals(TrackerOptions.defaults(), TrackerOptions.defaults().toBuilder().build());
    }
}
