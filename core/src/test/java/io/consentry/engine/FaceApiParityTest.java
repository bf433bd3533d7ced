package io.consentry.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.align.FaceAlignment;
import io.consentry.embed.Embedding;
import io.consentry.geometry.Box;
import io.consentry.geometry.Point;
import io.consentry.image.ImageDecoder;
import io.consentry.image.ImageLimits;
import io.consentry.image.RgbImage;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end against face-api.js itself ({@code ref-ssd-wasm.json}, SSD at minConfidence 0.5): on the exact RGB
 * pixels face-api.js saw, every reference face is found (IoU >= 0.9) and its descriptor has cosine >= 0.995 to
 * face-api.js's; we also report (and bound) the landmark and alignment-box differences.
 */
class FaceApiParityTest {
    private static FaceEngine engine;
    private static JsonNode images;

    @BeforeAll
    static void open() throws Exception {
        // face-api.js's own pipeline: its box alignment, no scale fallback
        engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir())
                .optAlignment(io.consentry.align.Alignment.FACEAPI_BOX).optScaleFallback(false).build());
        images = new ObjectMapper().readTree(TestPacks.reference().resolve("ref-ssd-wasm.json").toFile()).get("images");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void matchesFaceApi(int n) throws Exception {
        JsonNode ref = images.get(n - 1);
        Path png = TestPacks.reference().resolve("rgb/sample" + n + ".rgb.png");
        RgbImage img = ImageDecoder.decode(png, ImageLimits.DEFAULT);
        assertEquals(ref.get("width").asInt(), img.width());
        List<Face> faces = engine.detect(img);
        List<Embedding> embs = engine.embedAll(img, faces);
        assertEquals(ref.get("faces").size(), faces.size(), "face count on sample" + n);
        for (JsonNode rf : ref.get("faces")) {
            JsonNode b = rf.get("box");
            Box rb = new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
            int best = -1;
            double bestIou = 0;
            for (int i = 0; i < faces.size(); i++) {
                double iou = faces.get(i).box().iou(rb);
                if (iou > bestIou) {
                    bestIou = iou;
                    best = i;
                }
            }
            assertTrue(bestIou >= 0.9, "sample" + n + ": reference face at " + rb + " not found (best IoU " + bestIou + ")");
            Face f = faces.get(best);
            double lmErr = 0;
            for (int p = 0; p < 68; p++) {
                JsonNode rp = rf.get("landmarks68").get(p);
                lmErr = Math.max(lmErr, f.landmarks68().get(p).distance(new Point(rp.get(0).asDouble(), rp.get(1).asDouble())));
            }
            float[] rd = new float[128];
            for (int i = 0; i < 128; i++) {
                rd[i] = rf.get("descriptor").get(i).floatValue();
            }
            double cos = embs.get(best).similarity(new Embedding(embs.get(best).modelId(), Embedding.normalise(rd)));
            Box align = FaceAlignment.faceApiBox(f.landmarks68());
            JsonNode ra = rf.get("descriptorAlignBox");
            System.err.printf("sample%d face: IoU %.5f, score %.5f vs %.5f, max landmark error %.3f px, align box %s vs %s, descriptor cosine %.6f%n",
                    n, bestIou, f.score(), rf.get("score").asDouble(), lmErr, align, ra, cos);
            assertEquals(rf.get("score").asDouble(), f.score(), 0.01, "score");
            assertTrue(lmErr < 0.1, "landmarks differ by " + lmErr + " px");
            assertTrue(cos >= 0.995, "descriptor cosine " + cos + " < 0.995");
        }
    }
}
