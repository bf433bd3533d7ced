package io.consentry.video.redact;

import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceRedactorTest {
    /** A 200×160 picture of random noise: every pixel differs from its neighbours, the hardest case for a blur. */
    static RgbImage noise() {
        byte[] px = new byte[200 * 160 * 3];
        new Random(3).nextBytes(px);
        return new RgbImage(200, 160, px);
    }

    /** Mean absolute difference between horizontal neighbours inside the box: high for detail, low after blurring. */
    static double detail(RgbImage img, int x0, int y0, int x1, int y1) {
        double sum = 0;
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1 - 1; x++) {
                sum += Math.abs(img.get(x, y, 1) - img.get(x + 1, y, 1));
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void blurRemovesDetailInsideAndTouchesNothingOutside() {
        RgbImage in = noise();
        Box face = new Box(60, 40, 80, 80);
        FaceRedactor r = new FaceRedactor(new RedactionStyle(RedactionStyle.Mode.BLUR, RedactionStyle.Shape.BOX, 0.1));
        RgbImage out = r.apply(in, List.of(face));
        double before = detail(in, 70, 50, 130, 110);
        double after = detail(out, 70, 50, 130, 110);
        assertTrue(before > 60, "noise has detail: " + before);
        assertTrue(after < before / 20, "blurred detail " + after + " vs " + before);
        // outside the grown box (52..148 x 32..128) nothing changes
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 200; x++) {
                if (x < 52 || x >= 148 || y < 32 || y >= 128) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(in.get(x, y, c), out.get(x, y, c), "pixel " + x + "," + y + " outside the face changed");
                    }
                }
            }
        }
        assertArrayEquals(noise().rgb(), in.rgb(), "the input is not modified");
    }

    @Test
    void fillIsBlackInsideTheEllipseOnlyAndPixelateMakesBlocks() {
        RgbImage in = noise();
        Box face = new Box(60, 40, 80, 80);
        RgbImage filled = new FaceRedactor(new RedactionStyle(RedactionStyle.Mode.FILL, RedactionStyle.Shape.ELLIPSE, 0)).apply(in, List.of(face));
        assertEquals(0, filled.get(100, 80, 0) + filled.get(100, 80, 1) + filled.get(100, 80, 2), "centre is black");
        assertEquals(in.get(61, 41, 0), filled.get(61, 41, 0), "the box corner outside the ellipse is kept");
        RgbImage pix = new FaceRedactor(new RedactionStyle(RedactionStyle.Mode.PIXELATE, RedactionStyle.Shape.BOX, 0)).apply(in, List.of(face));
        // blocks of 10 px (80 / 8) starting at the box corner: two pixels inside one block are equal
        assertEquals(pix.get(61, 41, 0), pix.get(68, 48, 0));
        assertEquals(pix.get(61, 41, 2), pix.get(68, 48, 2));
        assertTrue(detail(pix, 60, 40, 140, 120) < detail(in, 60, 40, 140, 120) / 3);
    }

    @Test
    void boxesPartlyOutsideThePictureAreClipped() {
        RgbImage in = noise();
        FaceRedactor r = new FaceRedactor(RedactionStyle.defaults());
        RgbImage out = r.apply(in, List.of(new Box(-30, -30, 60, 60), new Box(180, 140, 60, 60), new Box(500, 500, 10, 10)));
        assertEquals(200, out.width());
        assertTrue(detail(out, 0, 0, 20, 20) < detail(in, 0, 0, 20, 20) / 5, "the visible part of a face at the corner is blurred");
    }
}
