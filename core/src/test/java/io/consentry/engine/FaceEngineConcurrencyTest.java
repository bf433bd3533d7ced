package io.consentry.engine;

import io.consentry.embed.Embedding;
import io.consentry.image.RgbImage;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One engine shared by several threads gives exactly the results of sequential use. */
class FaceEngineConcurrencyTest {
    @Test
    void concurrentCallersGetSequentialResults() throws Exception {
        try (FaceEngine engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).build())) {
            List<RgbImage> images = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                images.add(engine.load(TestPacks.reference().resolve("images/sample" + i + ".jpg")));
            }
            List<List<Embedding>> expected = new ArrayList<>();
            for (RgbImage img : images) {
                expected.add(engine.embedAll(img, engine.detect(img)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Embedding>>> futures = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    for (RgbImage img : images) {
                        futures.add(pool.submit(() -> engine.embedAll(img, engine.detect(img))));
                    }
                }
                for (int k = 0; k < futures.size(); k++) {
                    List<Embedding> got = futures.get(k).get();
                    List<Embedding> want = expected.get(k % images.size());
                    assertEquals(want.size(), got.size());
                    for (int f = 0; f < want.size(); f++) {
                        assertArrayEquals(want.get(f).vector(), got.get(f).vector(), 1e-5f);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
