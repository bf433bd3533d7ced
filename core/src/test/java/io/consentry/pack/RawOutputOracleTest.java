package io.consentry.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.onnx.FloatTensor;
import io.consentry.onnx.OnnxModel;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each converted net reproduces face-api.js's raw outputs on the harness's seeded inputs
 * ({@code ../shared/reference/faceapi/raw-cpu.json}): max abs error at most 1e-3 of the output's range.
 */
class RawOutputOracleTest {
    private static JsonNode nets;
    private static ModelPack pack;

    @BeforeAll
    static void load() throws Exception {
        pack = TestPacks.faceApi();
        nets = new ObjectMapper().readTree(TestPacks.reference().resolve("raw-cpu.json").toFile()).get("nets");
    }

    /** mulberry32 as in the harness's lib.mjs; NHWC values in [0,255). */
    static float[] seeded(int seed, int n) {
        int a = seed;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            a += 0x6D2B79F5;
            int t = a;
            t = (t ^ (t >>> 15)) * (t | 1);
            t ^= t + (t ^ (t >>> 7)) * (t | 61);
            long u = (t ^ (t >>> 14)) & 0xffffffffL;
            out[i] = (float) (u / 4294967296.0 * 255);
        }
        return out;
    }

    /** NHWC 0..255 to the NCHW normalised input the pack's graph expects. */
    static FloatTensor toInput(float[] nhwc, int size, InputSpec spec) {
        float[] s = spec.scale();
        float[] o = spec.offset();
        float[] out = new float[nhwc.length];
        int plane = size * size;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = nhwc[p * 3 + c] * s[c] + o[c];
            }
        }
        return new FloatTensor(new long[] {1, 3, size, size}, out);
    }

    private static void assertClose(JsonNode expected, float[] actual, String what) {
        assertEquals(expected.size(), actual.length, what + " length");
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double err = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            min = Math.min(min, e);
            max = Math.max(max, e);
            err = Math.max(err, Math.abs(e - actual[i]));
        }
        double rel = err / (max - min);
        System.err.printf("%s: max abs error %.3g over range %.3g (relative %.3g)%n", what, err, max - min, rel);
        assertTrue(rel <= 1e-3, what + ": relative error " + rel + " > 1e-3");
    }

    private Map<String, FloatTensor> run(String role, int seed, int size) throws Exception {
        ModelEntry m = pack.manifest().model(role).orElseThrow();
        try (OnnxModel model = OnnxModel.load(pack.file(m), OnnxModel.OnnxOptions.DEFAULT)) {
            return model.run("input", toInput(seeded(seed, size * size * 3), size, m.input()));
        }
    }

    @Test
    void seededInputMatchesHarness() {
        JsonNode first8 = nets.get("faceRecognitionNet").get("input").get("first8");
        float[] mine = seeded(1, 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(first8.get(i).floatValue(), mine[i], 0f);
        }
    }

    @Test
    void recognitionNet() throws Exception {
        Map<String, FloatTensor> out = run("descriptor", 1, 150);
        assertClose(nets.get("faceRecognitionNet").get("output").get("values"), out.get("descriptor").data(), "descriptor");
    }

    @Test
    void landmarkNet() throws Exception {
        Map<String, FloatTensor> out = run("landmarks", 3, 112);
        assertClose(nets.get("faceLandmark68Net").get("outputs").get("raw").get("values"), out.get("landmarks").data(), "landmarks");
    }

    @Test
    void ssdMobilenet() throws Exception {
        Map<String, FloatTensor> out = run("detector", 2, 512);
        JsonNode o = nets.get("ssdMobilenetv1").get("outputs");
        assertClose(o.get("boxEncodings").get("values"), out.get("box_encodings").data(), "ssd box encodings");
        assertClose(o.get("classLogits").get("values"), out.get("class_logits").data(), "ssd class logits");
        assertClose(o.get("boxes").get("values"), out.get("boxes").data(), "ssd decoded boxes");
        assertClose(o.get("scores").get("values"), out.get("scores").data(), "ssd scores");
    }
}
