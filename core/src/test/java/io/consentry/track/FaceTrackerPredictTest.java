package io.consentry.track;

import io.consentry.geometry.Box;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.consentry.track.SyntheticFaces.centred;
import static io.consentry.track.SyntheticFaces.jitter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Detection on every 3rd frame, {@link FaceTracker#predict} in between, faces in linear motion. */
class FaceTrackerPredictTest {

    @Test
    void predictedBoxesFollowLinearMotionBetweenDetections() {
        // centre x, centre y, vx, vy (px/frame), size, size growth (px/frame)
        double[][] faces = {
                {100, 100, 6, 0, 64, 0},
                {1100, 150, -5, 2, 80, 0},
                {300, 600, 3, -4, 48, 0.3},
                {900, 500, 0, 0, 96, -0.2},
                {640, 360, -2, -2, 56, 0},
        };
        Random rnd = new Random(5);
        FaceTracker tracker = new FaceTracker();
        Map<Integer, Long> trackOfFace = new HashMap<>();
        double worstIouWithVelocity = 1;
        for (int f = 0; f < 90; f++) {
            List<Box> truth = new ArrayList<>();
            for (double[] p : faces) {
                double s = p[4] + p[5] * f;
                truth.add(centred(p[0] + p[2] * f, p[1] + p[3] * f, s, s));
            }
            List<TrackState> out;
            if (f % 3 == 0) {
                List<TrackInput> inputs = new ArrayList<>();
                for (Box b : truth) {
                    inputs.add(TrackInput.of(jitter(b, rnd, 0.5), 0.9));
                }
                out = tracker.update(f, inputs);
                for (TrackState s : out) {
                    Long previous = trackOfFace.put(s.detectionIndex(), s.trackId());
                    assertTrue(previous == null || previous == s.trackId(), "face " + s.detectionIndex() + " changed track");
                }
            } else {
                out = tracker.predict(f);
                for (TrackState s : out) {
                    assertEquals(-1, s.detectionIndex());
                    assertEquals(0, s.misses(), "predict() frames are not misses");
                }
            }
            assertEquals(faces.length, out.size(), "frame " + f);
            for (int i = 0; i < faces.length; i++) {
                long id = trackOfFace.get(i);
                TrackState s = out.stream().filter(t -> t.trackId() == id).findFirst().orElse(null);
                assertNotNull(s, "face " + i + " lost on frame " + f);
                double iou = s.box().iou(truth.get(i));
                assertTrue(iou >= 0.5, "face " + i + " frame " + f + ": IoU " + iou);
                if (f >= 6) {
                    // two detection runs have given the filter a velocity (frames 1-2 predict a standing face)
                    worstIouWithVelocity = Math.min(worstIouWithVelocity, iou);
                }
            }
        }
        assertTrue(worstIouWithVelocity >= 0.7, "worst IoU from frame 6 on: " + worstIouWithVelocity);
    }
}
