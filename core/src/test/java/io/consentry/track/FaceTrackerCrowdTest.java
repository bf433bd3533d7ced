package io.consentry.track;

import io.consentry.geometry.Box;
import io.consentry.track.SyntheticFaces.Frame;
import io.consentry.track.SyntheticFaces.FrameBuilder;
import io.consentry.track.SyntheticFaces.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.consentry.track.SyntheticFaces.centred;
import static io.consentry.track.SyntheticFaces.jitter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 40 faces (8 x 5 grid on a 1280 x 720 frame) moving at once for 150 frames: each wanders on its own smooth path
 * (up to about 4 px/frame, sizes 40-64 px breathing by 10 %), detections jittered by 1.5 px and 2 % in size, and
 * 5 % of them dropped at random (seeded).
 */
class FaceTrackerCrowdTest {
    private static final int FRAMES = 150;

    private static List<Frame> crowd(boolean descriptors) {
        Random rnd = new Random(42);
        SyntheticFaces.Descriptors desc = new SyntheticFaces.Descriptors(43);
        int n = 40;
        double[] cx = new double[n];
        double[] cy = new double[n];
        double[][] wave = new double[n][];
        double[] size = new double[n];
        for (int i = 0; i < n; i++) {
            cx[i] = 80 + 160 * (i % 8);
            cy[i] = 72 + 144 * (i / 8);
            size[i] = 40 + rnd.nextDouble() * 24;
            // amplitude x, amplitude y, angular speeds, phases
            wave[i] = new double[]{20 + rnd.nextDouble() * 20, 15 + rnd.nextDouble() * 15,
                    2 * Math.PI / (60 + rnd.nextDouble() * 60), 2 * Math.PI / (60 + rnd.nextDouble() * 60),
                    rnd.nextDouble() * 2 * Math.PI, rnd.nextDouble() * 2 * Math.PI};
        }
        List<Frame> frames = new ArrayList<>();
        for (int f = 0; f < FRAMES; f++) {
            FrameBuilder fb = new FrameBuilder(f);
            for (int i = 0; i < n; i++) {
                double[] w = wave[i];
                double s = size[i] * (1 + 0.1 * Math.sin(w[2] * f));
                Box truth = centred(cx[i] + w[0] * Math.sin(w[2] * f + w[4]), cy[i] + w[1] * Math.sin(w[3] * f + w[5]), s, s * 1.2);
                fb.detect(i + 1, truth, jitter(truth, rnd, 1.5), descriptors ? desc.of(i + 1) : null, rnd.nextDouble() < 0.05);
            }
            frames.add(fb.build());
        }
        return frames;
    }

    @ParameterizedTest(name = "descriptors: {0}")
    @ValueSource(booleans = {false, true})
    void fortyMovingFacesKeepOneIdEachDespiteDroppedDetections(boolean descriptors) {
        FaceTracker tracker = new FaceTracker();
        List<Frame> frames = crowd(descriptors);
        Run run = Run.of(tracker, frames);

        assertEquals(Set.of(), run.splitObjects().keySet(), "objects whose detections went to several tracks: " + run.splitObjects());
        TrackingMetrics.Counts c = run.counts();
        assertEquals(40, c.objects());
        assertEquals(0, c.idSwitches(), c.toString());
        assertEquals(0, c.fragmentations(), c.toString());
        // unconfirmed only on each face's first frames (minHits 3, a drop can delay it by one)
        assertTrue(c.matchedFrames() >= c.objectFrames() - 40 * 4, c.toString());

        Set<Long> confirmed = new HashSet<>();
        for (List<TrackState> out : run.outputs) {
            long confirmedNow = out.stream().filter(TrackState::confirmed).count();
            assertTrue(confirmedNow <= 40, "confirmed tracks on one frame: " + confirmedNow);
            out.stream().filter(TrackState::confirmed).forEach(s -> confirmed.add(s.trackId()));
        }
        assertEquals(40, confirmed.size(), "confirmed tracks over the run");
        assertEquals(40, run.ended.size(), "tracks over the run, tentative ones included");
    }
}
