package io.consentry.search;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlatIndexTest {

    private static final int DIM = 128;

    @Test
    void parallelScanReturnsExactlyTheSingleThreadedResult() {
        FlatIndex single = new FlatIndex(DIM, IndexOptions.builder().optThreads(1).optInitialCapacity(1).build());
        FlatIndex parallel = new FlatIndex(DIM, IndexOptions.builder().optThreads(4).optParallelThreshold(0).build());
        SyntheticTemplates gen = SyntheticTemplates.faceLike(DIM, 500, 3);
        for (int i = 0; i < 30_000; i++) {
            float[] v = gen.template(i);
            single.add("t" + i, v);
            parallel.add("t" + i, v);
        }
        for (int q = 0; q < 50; q++) {
            float[] query = gen.probe(q % 500, q);
            List<SearchHit> expected = single.search(query, 25);
            assertEquals(expected, parallel.search(query, 25));
            assertEquals(25, expected.size());
        }
    }

    @Test
    void dimensionAndOptionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new FlatIndex(0));
        assertThrows(IllegalArgumentException.class, () -> IndexOptions.builder().optThreads(0).build());
        assertThrows(IllegalArgumentException.class, () -> IndexOptions.builder().optInitialCapacity(0).build());
        assertThrows(IllegalArgumentException.class, () -> IndexOptions.builder().optParallelThreshold(-1));
        assertEquals(7, new FlatIndex(7).dimension());
    }

    @Test
    void toStringNeverPrintsVectors() {
        FlatIndex index = new FlatIndex(DIM);
        index.add("a", SyntheticTemplates.randomUnit(new SplittableRandom(1), DIM));
        String s = index.toString();
        assertEquals(true, s.startsWith("FlatIndex[dimension=128, size=1"), s);
    }
}
