package io.consentry.eval;

import io.consentry.geometry.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DetectionMetricsTest {
    private static DetectionGroundTruth.GtBox gt(double x, boolean invalid) {
        return new DetectionGroundTruth.GtBox(new Box(x, 0, 40, 40), invalid);
    }

    @Test
    void apCountsDuplicatesAsFalsePositivesAndIgnoresInvalidBoxes() {
        List<DetectionGroundTruth.GtImage> img = List.of(new DetectionGroundTruth.GtImage("a.jpg", List.of(gt(0, false), gt(100, false), gt(200, true))));
        List<DetectionMetrics.Scored> dets = List.of(
                new DetectionMetrics.Scored(0, new Box(0, 0, 40, 40), 0.9),     // TP
                new DetectionMetrics.Scored(0, new Box(1, 0, 40, 40), 0.8),     // duplicate -> FP
                new DetectionMetrics.Scored(0, new Box(200, 0, 40, 40), 0.7),   // invalid box -> ignored
                new DetectionMetrics.Scored(0, new Box(100, 0, 40, 40), 0.6));  // TP
        DetectionMetrics.Result r = DetectionMetrics.evaluate(img, dets, 0.5, 0);
        assertEquals(2, r.positives());
        // PR points: (0.5, 1), (0.5, 0.5), (1.0, 2/3) -> AP = 0.5*1 + 0.5*2/3
        assertEquals(0.5 + 0.5 * 2.0 / 3, r.ap(), 1e-12);
        assertEquals(0, r.missed().get(0).size());
    }

    @Test
    void minimumHeightTurnsSmallFacesIntoIgnoredOnes() {
        List<DetectionGroundTruth.GtImage> img = List.of(new DetectionGroundTruth.GtImage("a.jpg",
                List.of(new DetectionGroundTruth.GtBox(new Box(0, 0, 10, 10), false), gt(100, false))));
        List<DetectionMetrics.Scored> dets = List.of(new DetectionMetrics.Scored(0, new Box(100, 0, 40, 40), 0.9));
        assertEquals(0.5, DetectionMetrics.evaluate(img, dets, 0.5, 0).ap(), 1e-12);
        assertEquals(1.0, DetectionMetrics.evaluate(img, dets, 0.5, 32).ap(), 1e-12);
    }
}
