package io.consentry.engine;

import io.consentry.align.Alignment;
import io.consentry.embed.Embedding;
import io.consentry.image.RgbImage;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline options that the accuracy evaluation compares: roll-corrected alignment and flip augmentation keep
 * descriptors of the same face close to the face-api.js ones, and the scale fallback finds a face that fills the frame.
 */
class AlignmentVariantsTest {
    private static FaceEngine open(EngineOptions.Builder b) throws Exception {
        return FaceEngine.open(b.optPackDir(TestPacks.faceApi().dir()).build());
    }

    @Test
    void variantsDescribeTheSameFacesAlike() throws Exception {
        try (FaceEngine base = open(EngineOptions.builder().optAlignment(Alignment.FACEAPI_BOX));
             FaceEngine roll = open(EngineOptions.builder().optAlignment(Alignment.ROLL_CORRECTED));
             FaceEngine flip = open(EngineOptions.builder().optAlignment(Alignment.FACEAPI_BOX).optFlipAugment(true));
             FaceEngine chip = open(EngineOptions.builder().optAlignment(Alignment.CHIP_68))) {
            RgbImage img = base.load(TestPacks.reference().resolve("images/sample1.jpg"));
            List<Face> faces = base.detect(img);
            List<Embedding> a = base.embedAll(img, faces);
            List<Embedding> b = roll.embedAll(img, faces);
            List<Embedding> c = flip.embedAll(img, faces);
            List<Embedding> d = chip.embedAll(img, faces);
            for (int i = 0; i < faces.size(); i++) {
                double sb = a.get(i).similarity(b.get(i));
                double sc = a.get(i).similarity(c.get(i));
                double sd = a.get(i).similarity(d.get(i));
                System.err.printf("face %d: roll-corrected vs face-api box %.4f, flip-averaged vs plain %.4f, 68-point chip %.4f%n", i, sb, sc, sd);
                assertTrue(sd > 0.8 && sd < 1.0, "68-point chip vs face-api box: " + sd);
                // sample1's faces 2 and 3 are tilted by ~20-30 degrees: levelling them changes the crop a lot (0.88)
                assertTrue(sb > 0.8 && sb < 1.0, "roll-corrected vs face-api box: " + sb);
                assertTrue(sc > 0.9 && sc < 1.0, "flip-averaged vs plain: " + sc);
                for (int j = 0; j < faces.size(); j++) {
                    if (j != i) {
                        assertTrue(a.get(i).similarity(c.get(j)) < sc, "flip: a different face must be further away");
                    }
                }
            }
        }
    }

    @Test
    void scaleFallbackFindsAFaceThatFillsTheFrame() throws Exception {
        try (FaceEngine with = open(EngineOptions.builder());
             FaceEngine without = open(EngineOptions.builder().optScaleFallback(false))) {
            // an LFW image whose face fills the frame: face-api.js's SSD finds nothing at 0.5 on it
            RgbImage img = with.load(TestPacks.shared().resolve("datasets/lfw/Aaron_Patterson/Aaron_Patterson_0001.jpg"));
            assertEquals(0, without.detect(img).size(), "SSD alone misses this face");
            List<Face> found = with.detect(img);
            assertEquals(1, found.size(), "the 2x-canvas retry finds it");
            Face f = found.get(0);
            double cx = f.box().x() + f.box().width() / 2;
            double cy = f.box().y() + f.box().height() / 2;
            assertTrue(Math.abs(cx - 125) < 25 && Math.abs(cy - 125) < 30, "box mapped back onto the 250x250 image: " + f.box());
            assertEquals(68, f.landmarks68().size());
        }
    }
}
