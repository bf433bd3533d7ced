package io.consentry.track;

import io.consentry.track.SyntheticFaces.Frame;
import io.consentry.track.SyntheticFaces.FrameBuilder;
import io.consentry.track.SyntheticFaces.Run;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.consentry.track.SyntheticFaces.centred;
import static io.consentry.track.SyntheticFaces.jitter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two 64-px faces crossing horizontally at 6 px/frame each (12 px/frame closing speed), 16 px apart vertically, so
 * their boxes overlap (IoU up to 0.6) around frame 50 where they meet.
 */
class FaceTrackerCrossingTest {
    private static final long A = 1;
    private static final long B = 2;

    /**
     * A goes right from x=100, B left from x=700; with {@code turnBack} both reverse at frame 50. Dropped frames
     * miss the detection only; occluded frames have neither detection nor ground truth (the face is not visible).
     */
    private static List<Frame> crossing(boolean descriptors, Set<Integer> dropA, Set<Integer> dropB, boolean turnBack,
                                        Set<Integer> occluded) {
        Random rnd = new Random(7);
        SyntheticFaces.Descriptors desc = new SyntheticFaces.Descriptors(11);
        List<Frame> frames = new ArrayList<>();
        for (int f = 0; f < 100; f++) {
            int t = turnBack && f > 50 ? 100 - f : f;
            var a = centred(100 + 6 * t, 300, 64, 64);
            var b = centred(700 - 6 * t, 316, 64, 64);
            if (occluded.contains(f)) {
                frames.add(new FrameBuilder(f).build());
                continue;
            }
            frames.add(new FrameBuilder(f)
                    .detect(A, a, jitter(a, rnd, 1), descriptors ? desc.of(A) : null, dropA.contains(f))
                    .detect(B, b, jitter(b, rnd, 1), descriptors ? desc.of(B) : null, dropB.contains(f))
                    .build());
        }
        return frames;
    }

    private static void assertNoIdSwitch(Run run) {
        assertEquals(Set.of(), run.splitObjects().keySet(), "objects whose detections went to several tracks: " + run.splitObjects());
        TrackingMetrics.Counts c = run.counts();
        assertEquals(0, c.idSwitches(), c.toString());
        assertEquals(0, c.fragmentations(), c.toString());
        assertEquals(2, run.ended.size(), "two tracks in all");
    }

    @Test
    void crossingFacesKeepTheirIdsOnMotionAlone() {
        assertNoIdSwitch(Run.of(new FaceTracker(), crossing(false, Set.of(), Set.of(), false, Set.of())));
    }

    @Test
    void crossingFacesKeepTheirIdsWithDescriptors() {
        assertNoIdSwitch(Run.of(new FaceTracker(), crossing(true, Set.of(), Set.of(), false, Set.of())));
    }

    @Test
    void crossingWithMissedDetectionsAtTheOverlapKeepsIds() {
        // both lost for frames 48-50 where the boxes overlap most; one or the other lost around them
        Set<Integer> dropA = Set.of(46, 47, 48, 49, 50, 52);
        Set<Integer> dropB = Set.of(48, 49, 50, 51, 53);
        assertNoIdSwitch(Run.of(new FaceTracker(), crossing(true, dropA, dropB, false, Set.of())));
        assertNoIdSwitch(Run.of(new FaceTracker(), crossing(false, dropA, dropB, false, Set.of())));
    }

    @Test
    void facesThatTurnBackWhileHiddenAreToldApartByAppearance() {
        // both hidden (say behind a pillar) for frames 46-54; they meet at 50 and go back where they came from, so
        // on frame 55 each reappears exactly where constant velocity predicts the other one
        Set<Integer> hidden = Set.of(46, 47, 48, 49, 50, 51, 52, 53, 54);
        Run motionOnly = Run.of(new FaceTracker(), crossing(false, Set.of(), Set.of(), true, hidden));
        assertTrue(motionOnly.counts().idSwitches() > 0, "without descriptors the ids swap: " + motionOnly.counts());

        Run withAppearance = Run.of(new FaceTracker(), crossing(true, Set.of(), Set.of(), true, hidden));
        assertNoIdSwitch(withAppearance);
    }
}
