package io.consentry.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import io.consentry.onnx.OnnxModel;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * YuNet on face-api.js's six demo photos ({@code reference/faceapi/rgb/sampleN.rgb.png}, exact RGB pixels) against
 * the faces face-api.js's SSD MobileNet V1 found ({@code reference/faceapi/ref-ssd-wasm.json}).
 */
class YunetDetectorTest {
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

    @Test
    void explore() throws Exception {
        for (int n = 1; n <= 6; n++) {
            RgbImage img = readRgb(shared().resolve("reference/faceapi/rgb/sample" + n + ".rgb.png"));
            List<Detection> dets = detector.detect(img, 0.3, 100);
            System.err.printf("sample%d %dx%d: %d candidates >= 0.3%n", n, img.width(), img.height(), dets.size());
            for (Detection d : dets) {
                Box b = d.box();
                System.err.printf("  score %.3f box [%.0f %.0f %.0f %.0f] lm %s%n", d.score(), b.x(), b.y(), b.width(), b.height(), d.landmarks5());
            }
            JsonNode image = reference.get("images").get(n - 1);
            for (JsonNode f : image.get("faces")) {
                Box r = box(f.get("box"));
                double best = 0;
                Detection bd = null;
                for (Detection d : dets) {
                    double iou = d.box().iou(r);
                    if (iou > best) {
                        best = iou;
                        bd = d;
                    }
                }
                System.err.printf("  ref [%.0f %.0f %.0f %.0f] ssd %.3f -> best IoU %.3f score %.3f%n", r.x(), r.y(), r.width(), r.height(),
                        f.get("score").asDouble(), best, bd == null ? 0 : bd.score());
            }
        }
    }
}
