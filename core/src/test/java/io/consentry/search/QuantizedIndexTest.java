package io.consentry.search;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the contract cannot see: the int8 codes, the candidate pass with little oversampling, churn. */
class QuantizedIndexTest {

    private static final int DIM = 128;

    @Test
    void quantiseCoversTheUnitRangeWithoutClipping() {
        byte[] out = new byte[6];
        QuantizedIndex.quantise(new float[] {1f, -1f, 0f, 0.5f, -0.0039f, 1.0005f}, out, 0);
        assertArrayEquals(new byte[] {127, -127, 0, 64, 0, 127}, out);
    }

    @Test
    void int8PathOrdersTiesByIdAndReportsExactScores() {
        // oversample 2: the shortlist of 4 holds exactly the 4 identical rows; the re-rank orders them by id
        QuantizedIndex index = new QuantizedIndex(DIM, 2, IndexOptions.builder().optThreads(1).build(), true, 0);
        float[] same = unit(1);
        for (String id : List.of("d", "a", "c", "b")) {
            index.add(id, same);
        }
        for (int i = 0; i < 500; i++) {
            index.add("z" + i, unit(100 + i));
        }
        List<SearchHit> hits = index.search(same, 2);
        assertEquals(List.of("a", "b"), hits.stream().map(SearchHit::id).toList());
        assertEquals(index.similarity("a", same).orElseThrow(), hits.get(0).similarity());
    }

    @Test
    void churnKeepsCodesAlignedWithVectors() {
        // after many adds, replaces and removes (which move rows), every live template must still be found by its
        // own vector through the int8 pass, and scores must equal an exact index fed the same operations
        QuantizedIndex quant = new QuantizedIndex(DIM, 2, IndexOptions.builder().optThreads(1).optInitialCapacity(1).build(), true, 0);
        FlatIndex flat = new FlatIndex(DIM, IndexOptions.builder().optThreads(1).build());
        Map<String, float[]> live = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(8);
        for (int op = 0; op < 5000; op++) {
            String id = "t" + rnd.nextInt(800);
            if (rnd.nextInt(4) == 0) {
                assertEquals(live.remove(id) != null, quant.remove(id));
                flat.remove(id);
            } else {
                float[] v = SyntheticTemplates.randomUnit(rnd, DIM);
                quant.add(id, v);
                flat.add(id, v);
                live.put(id, v);
            }
        }
        assertEquals(live.size(), quant.size());
        for (Map.Entry<String, float[]> e : live.entrySet()) {
            List<SearchHit> q = quant.search(e.getValue(), 3);
            assertEquals(e.getKey(), q.get(0).id());
            assertEquals(flat.search(e.getValue(), 3), q);
        }
    }

    @Test
    void smallIndexesAreSearchedExactly() {
        // default settings: below k * oversample * 128 rows the exact scan runs, so results equal FlatIndex's
        QuantizedIndex quant = new QuantizedIndex(DIM);
        FlatIndex flat = new FlatIndex(DIM);
        SyntheticTemplates gen = SyntheticTemplates.faceLike(DIM, 300, 12);
        for (int i = 0; i < 3000; i++) {
            quant.add("t" + i, gen.template(i));
            flat.add("t" + i, gen.template(i));
        }
        for (int q = 0; q < 100; q++) {
            float[] query = gen.unknown(q);
            assertEquals(flat.search(query, 5), quant.search(query, 5));
        }
    }

    @Test
    void rejectsBadOversample() {
        assertThrows(IllegalArgumentException.class, () -> new QuantizedIndex(DIM, 0, IndexOptions.defaults()));
    }

    private static float[] unit(long seed) {
        return SyntheticTemplates.randomUnit(new SplittableRandom(seed), DIM);
    }
}
