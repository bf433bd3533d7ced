package io.consentry.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.geometry.Box;
import io.consentry.geometry.Point;
import io.consentry.image.RgbImage;
import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.pack.ModelAdapters;
import io.consentry.pack.onnx.OnnxGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * YuNet on face-api.js's six demo photos ({@code reference/faceapi/rgb/sampleN.rgb.png}, exact RGB pixels) against
 * the faces face-api.js's SSD MobileNet V1 found ({@code reference/faceapi/ref-ssd-wasm.json}).
 */
class YunetDetectorTest {
    /** Minimum IoU between an SSD reference box and its YuNet match; see the matching test. */
    static final double MATCH_IOU = 0.5;
    private static YunetDetector detector;
    private static JsonNode reference;

    static Path shared() {
        String p = System.getProperty("consentry.shared");
        return (p != null ? Path.of(p) : Path.of("../../shared")).toAbsolutePath().normalize();
    }

    static Path yunetFile() {
        return shared().resolve("models/yunet.onnx");
    }

    @BeforeAll
    static void load() throws Exception {
        detector = new YunetDetector(OnnxModel.load(yunetFile(), OnnxModel.OnnxOptions.DEFAULT));
        reference = new ObjectMapper().readTree(shared().resolve("reference/faceapi/ref-ssd-wasm.json").toFile());
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    /** BufferedImage (any type) to packed R,G,B bytes. */
    private static RgbImage readRgb(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, "ImageIO cannot read " + file);
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static Box box(JsonNode b) {
        return new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
    }

    /**
     * Every face SSD found is matched, one to one, by a YuNet detection at {@link YunetDetector#DEFAULT_MIN_SCORE}
     * with IoU >= {@link #MATCH_IOU}, and the landmarks come in {@link Detection}'s left-to-right order.
     *
     * <p>Why IoU 0.5: YuNet's boxes are shaped differently from SSD's (wider, squarer, reaching lower to the chin:
     * e.g. sample6 SSD 159x306 vs YuNet 195x286), so they never coincide; measured IoUs on the 22 faces are 0.73 to
     * 0.95. 0.5 is the usual PASCAL / WIDER FACE matching criterion, leaves a wide margin below the worst measured
     * pair, and is far above the IoU of any two neighbouring faces in these photos (0).
     */
    @Test
    void findsEveryReferenceFaceWithLandmarksInOrder() throws Exception {
        JsonNode images = reference.get("images");
        assertEquals(6, images.size());
        int faces = 0;
        for (int n = 1; n <= 6; n++) {
            JsonNode image = images.get(n - 1);
            assertEquals("sample" + n + ".jpg", image.get("file").asText());
            RgbImage img = readRgb(shared().resolve("reference/faceapi/rgb/sample" + n + ".rgb.png"));
            assertEquals(image.get("width").asInt(), img.width());
            assertEquals(image.get("height").asInt(), img.height());

            List<Detection> dets = detector.detect(img, YunetDetector.DEFAULT_MIN_SCORE, 100);
            StringBuilder scores = new StringBuilder();
            for (int i = 0; i < dets.size(); i++) {
                Detection d = dets.get(i);
                scores.append(String.format(" %.3f", d.score()));
                assertTrue(d.score() >= YunetDetector.DEFAULT_MIN_SCORE && d.score() <= 1, "score " + d.score());
                assertTrue(i == 0 || dets.get(i - 1).score() >= d.score(), "best first");
                assertEquals(5, d.landmarks5().size());
            }
            System.err.printf("sample%d %dx%d: %d YuNet detections, scores%s%n", n, img.width(), img.height(), dets.size(), scores);

            boolean[] used = new boolean[dets.size()];
            for (JsonNode f : image.get("faces")) {
                Box ref = box(f.get("box"));
                int best = -1;
                double bestIou = 0;
                for (int i = 0; i < dets.size(); i++) {
                    double iou = dets.get(i).box().iou(ref);
                    if (!used[i] && iou > bestIou) {
                        bestIou = iou;
                        best = i;
                    }
                }
                System.err.printf("  SSD face [%.0f %.0f %.0f %.0f] (SSD score %.3f): best YuNet IoU %.3f%s%n", ref.x(), ref.y(), ref.width(),
                        ref.height(), f.get("score").asDouble(), bestIou, best < 0 ? "" : String.format(" at score %.3f box [%.0f %.0f %.0f %.0f]",
                                dets.get(best).score(), dets.get(best).box().x(), dets.get(best).box().y(), dets.get(best).box().width(),
                                dets.get(best).box().height()));
                assertTrue(bestIou >= MATCH_IOU, "sample" + n + ": SSD face " + ref + " unmatched, best IoU " + bestIou);
                used[best] = true;
                faces++;

                List<Point> lm = dets.get(best).landmarks5();
                Box b = dets.get(best).box();
                assertTrue(lm.get(0).x() < lm.get(1).x(), "sample" + n + ": eyes out of order " + lm);
                assertTrue(lm.get(3).x() < lm.get(4).x(), "sample" + n + ": mouth corners out of order " + lm);
                assertTrue(lm.get(0).y() < lm.get(3).y() && lm.get(1).y() < lm.get(4).y(), "sample" + n + ": eyes below mouth " + lm);
                for (Point p : lm) {
                    assertTrue(p.x() >= b.x() && p.x() <= b.right() && p.y() >= b.y() && p.y() <= b.bottom(),
                            "sample" + n + ": landmark " + p + " outside its box " + b);
                }
            }
        }
        assertEquals(22, faces);
    }

    @Test
    void maxFacesKeepsTheBestAndTinyImagesWork() throws Exception {
        RgbImage img = readRgb(shared().resolve("reference/faceapi/rgb/sample5.rgb.png"));
        List<Detection> all = detector.detect(img, YunetDetector.DEFAULT_MIN_SCORE, 100);
        List<Detection> one = detector.detect(img, YunetDetector.DEFAULT_MIN_SCORE, 1);
        assertEquals(1, one.size());
        assertEquals(all.get(0), one.get(0));
        assertTrue(detector.detect(img, YunetDetector.DEFAULT_MIN_SCORE, 0).isEmpty());
        // smaller than one stride-32 cell: padded, not upscaled; a flat grey patch holds no face
        byte[] grey = new byte[7 * 5 * 3];
        java.util.Arrays.fill(grey, (byte) 128);
        assertTrue(detector.detect(new RgbImage(7, 5, grey), YunetDetector.DEFAULT_MIN_SCORE, 10).isEmpty());
        assertEquals(ModelAdapters.YUNET, detector.adapter());
    }

    @Test
    void concurrentCallsGiveTheSameResult() throws Exception {
        RgbImage a = readRgb(shared().resolve("reference/faceapi/rgb/sample1.rgb.png"));
        RgbImage b = readRgb(shared().resolve("reference/faceapi/rgb/sample6.rgb.png"));
        List<Detection> expectA = detector.detect(a, YunetDetector.DEFAULT_MIN_SCORE, 100);
        List<Detection> expectB = detector.detect(b, YunetDetector.DEFAULT_MIN_SCORE, 100);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<Detection>>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RgbImage img = i % 2 == 0 ? a : b;
                runs.add(pool.submit(() -> detector.detect(img, YunetDetector.DEFAULT_MIN_SCORE, 100)));
            }
            for (int i = 0; i < runs.size(); i++) {
                assertEquals(i % 2 == 0 ? expectA : expectB, runs.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void layoutMismatchAcceptsYunetAndNamesWhatAnotherModelHas(@TempDir Path dir) throws Exception {
        try (OnnxModel yunet = OnnxModel.load(yunetFile(), OnnxModel.OnnxOptions.DEFAULT)) {
            assertEquals(Optional.empty(), YunetDetector.layoutMismatch(yunet));
        }
        OnnxGraph g = new OnnxGraph("identity", 13);
        g.input("input", 1, 3, -1, -1);
        g.nodeNamed("Identity", List.of("input"), "scores");
        g.output("scores", 1, 3, -1, -1);
        Path file = dir.resolve("identity.onnx");
        Files.write(file, g.toBytes());
        try (OnnxModel other = OnnxModel.load(file, OnnxModel.OnnxOptions.DEFAULT)) {
            Optional<String> why = YunetDetector.layoutMismatch(other);
            System.err.println("identity model: " + why.orElse("(accepted)"));
            assertTrue(why.isPresent());
            assertTrue(why.get().contains("cls_8") && why.get().contains("kps_32"), why.get());
            assertTrue(why.get().contains("found scores"), why.get());
            assertTrue(!why.get().contains("\n"), "one line");
            YunetDetector wrong = new YunetDetector(other);
            byte[] px = new byte[64 * 64 * 3];
            OnnxModelException e = assertThrows(OnnxModelException.class, () -> wrong.detect(new RgbImage(64, 64, px), 0.5, 10));
            assertTrue(e.getMessage().contains("not a YuNet model"), e.getMessage());
        }
    }
}
