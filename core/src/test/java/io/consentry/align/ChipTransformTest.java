package io.consentry.align;

import io.consentry.geometry.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChipTransformTest {
    /** 68 points whose 17..67 are the template placed by a known similarity transform. */
    private static List<Point> landmarks(double scale, double angle, double tx, double ty) {
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            pts.add(new Point(0, 0));
        }
        for (int i = 0; i < ChipTemplate.X.length; i++) {
            double x = ChipTemplate.X[i] * 100;
            double y = ChipTemplate.Y[i] * 100;
            pts.add(new Point(scale * (Math.cos(angle) * x - Math.sin(angle) * y) + tx, scale * (Math.sin(angle) * x + Math.cos(angle) * y) + ty));
        }
        return pts;
    }

    @Test
    void chip68RecoversAKnownSimilarityTransform() {
        double angle = Math.toRadians(25);
        List<Point> pts = landmarks(2.0, angle, 300, 120);
        ChipTransform t = ChipTransform.chip68(pts, 150, 0.25);
        // the template point (padding + X) / 1.5 * 150 in the chip must land on the landmark
        for (int i = 0; i < ChipTemplate.X.length; i++) {
            Point p = t.apply((0.25 + ChipTemplate.X[i]) / 1.5 * 150, (0.25 + ChipTemplate.Y[i]) / 1.5 * 150);
            assertEquals(pts.get(17 + i).x(), p.x(), 1e-6);
            assertEquals(pts.get(17 + i).y(), p.y(), 1e-6);
        }
        assertEquals(angle, Math.atan2(t.b(), t.a()), 1e-9);
        assertEquals(2.0 * 100 / 100.0, Math.hypot(t.a(), t.b()), 1e-9); // 100 template units = 100 chip px at padding 0.25
    }

    @Test
    void rollCorrectedEqualsTheFaceApiBoxForALevelFace() {
        List<Point> pts = landmarks(1.5, 0, 200, 220); // well inside the image: face-api.js clamps the box at 0
        ChipTransform t = ChipTransform.rollCorrected(pts, 150);
        io.consentry.geometry.Box box = FaceAlignment.faceApiBox(pts);
        assertEquals(0, t.b(), 1e-12);
        Point origin = t.apply(0, 0);
        assertEquals(box.x(), origin.x(), 1e-6);
        assertEquals(box.y(), origin.y(), 1e-6);
        assertEquals(box.width() / 150, t.a(), 1e-9);
    }
}
