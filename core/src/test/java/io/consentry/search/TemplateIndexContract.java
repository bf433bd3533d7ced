package io.consentry.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The behaviour every {@link TemplateIndex} must have. Extend it in a test class and implement
 * {@link #newIndex(int)}; JUnit runs every test here against your implementation. It is in the core test-jar, so
 * other modules (e.g. a store-backed or distributed index) can reuse it:
 *
 * <pre>{@code
 * class MyIndexTest extends TemplateIndexContract {
 *     @Override protected TemplateIndex newIndex(int dimension) { return new MyIndex(dimension); }
 * }
 * }</pre>
 *
 * <p>Covers: add/replace/remove/size/clear, result order and ties, {@code k > size}, the empty index, argument
 * checks (dimension, NaN, non-unit vectors, k), exact {@code similarity}, defensive copies, 4 searching threads
 * against 1 writer, and recall@1 against exact search ({@link FlatIndex}, single-threaded) of at least 0.999 on
 * 20,000 random unit vectors (noisy-copy and random queries) and on 20,000 face-like templates (mate and unknown
 * queries; see {@link SyntheticTemplates}). Measured recalls are printed to stdout.
 */
public abstract class TemplateIndexContract {

    /** Dimension used by the tests. */
    protected static final int DIM = 128;

    /** A new, empty index of {@code dimension}-D templates. */
    protected abstract TemplateIndex newIndex(int dimension);

    /** A short name for printed measurements. */
    protected String name() {
        return getClass().getSimpleName();
    }

    // ---- basics ---------------------------------------------------------------------------------------------

    @Test
    void emptyIndex() {
        TemplateIndex index = newIndex(DIM);
        float[] q = unit(1);
        assertEquals(0, index.size());
        assertEquals(DIM, index.dimension());
        assertEquals(List.of(), index.search(q, 5));
        assertEquals(OptionalDouble.empty(), index.similarity("nobody", q));
        assertFalse(index.remove("nobody"));
    }

    @Test
    void addReplaceRemoveSize() {
        TemplateIndex index = newIndex(DIM);
        float[] a = unit(1);
        float[] b = unit(2);
        index.add("a", a);
        index.add("b", b);
        assertEquals(2, index.size());
        assertEquals("a", index.search(a, 1).get(0).id());

        index.add("a", b); // replace: same id, new vector
        assertEquals(2, index.size());
        assertEquals(1.0, index.similarity("a", b).orElseThrow(), 1e-5);
        List<SearchHit> hits = index.search(a, 2);
        assertTrue(hits.get(0).similarity() < 0.5, "old vector of 'a' must be gone: " + hits);

        assertTrue(index.remove("a"));
        assertFalse(index.remove("a"));
        assertEquals(1, index.size());
        assertEquals(OptionalDouble.empty(), index.similarity("a", a));
        assertEquals(List.of("b"), ids(index.search(a, 10)));
    }

    @Test
    void removeKeepsOtherTemplatesIntact() {
        TemplateIndex index = newIndex(DIM);
        Map<String, float[]> live = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            float[] v = unit(100 + i);
            index.add("t" + i, v);
            live.put("t" + i, v);
        }
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 150; i++) {
            String id = "t" + rnd.nextInt(300);
            assertEquals(live.remove(id) != null, index.remove(id), id);
        }
        assertEquals(live.size(), index.size());
        for (Map.Entry<String, float[]> e : live.entrySet()) {
            SearchHit top = index.search(e.getValue(), 1).get(0);
            assertEquals(e.getKey(), top.id());
            assertEquals(1.0, top.similarity(), 1e-5);
        }
    }

    @Test
    void clearEmptiesAndIndexStaysUsable() {
        TemplateIndex index = newIndex(DIM);
        for (int i = 0; i < 50; i++) {
            index.add("t" + i, unit(i));
        }
        index.clear();
        assertEquals(0, index.size());
        assertEquals(List.of(), index.search(unit(1), 3));
        assertEquals(OptionalDouble.empty(), index.similarity("t1", unit(1)));
        index.add("x", unit(7));
        assertEquals(List.of("x"), ids(index.search(unit(7), 3)));
    }

    // ---- ranking --------------------------------------------------------------------------------------------

    @Test
    void topKIsOrderedBySimilarity() {
        TemplateIndex index = newIndex(DIM);
        float[] q = axis(0);
        double[] cos = {0.3, 0.9, -0.2, 0.5, 0.7, 0.1};
        for (int i = 0; i < cos.length; i++) {
            index.add("c" + i, mix(cos[i]));
        }
        List<SearchHit> hits = index.search(q, 4);
        assertEquals(List.of("c1", "c4", "c3", "c0"), ids(hits));
        assertEquals(0.9, hits.get(0).similarity(), 1e-6);
        assertEquals(0.3, hits.get(3).similarity(), 1e-6);
    }

    @Test
    void tiesAreOrderedById() {
        TemplateIndex index = newIndex(DIM);
        float[] same = unit(42);
        for (String id : List.of("e", "b", "d", "a", "c")) {
            index.add(id, same);
        }
        for (int i = 0; i < 2000; i++) { // enough other rows that approximate indexes use their approximate path
            index.add("z" + i, unit(1000 + i));
        }
        List<SearchHit> hits = index.search(same, 3);
        assertEquals(List.of("a", "b", "c"), ids(hits));
        assertEquals(hits.get(0).similarity(), hits.get(2).similarity());
    }

    @Test
    void kLargerThanSizeReturnsAllSorted() {
        TemplateIndex index = newIndex(DIM);
        for (int i = 0; i < 7; i++) {
            index.add("t" + i, unit(i));
        }
        List<SearchHit> hits = index.search(unit(3), 1000);
        assertEquals(7, hits.size());
        assertSorted(hits);
        assertEquals(Set.of("t0", "t1", "t2", "t3", "t4", "t5", "t6"), new HashSet<>(ids(hits)));
        assertEquals(7, index.search(unit(3), Integer.MAX_VALUE).size());
    }

    @Test
    void searchMatchesExactTopKOnSmallRandomGallery() {
        TemplateIndex index = newIndex(DIM);
        List<float[]> all = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            float[] v = unit(10_000 + i);
            all.add(v);
            index.add("r" + i, v);
        }
        for (int qi = 0; qi < 20; qi++) {
            float[] q = unit(-1 - qi);
            List<SearchHit> hits = index.search(q, 10);
            assertEquals(exactTop(all, q, 10), ids(hits), "query " + qi);
            assertSorted(hits);
        }
    }

    @Test
    void similarityIsExactAndMatchesSearch() {
        TemplateIndex index = newIndex(DIM);
        for (int i = 0; i < 500; i++) {
            index.add("t" + i, unit(i));
        }
        float[] q = unit(-5);
        for (SearchHit h : index.search(q, 20)) {
            int i = Integer.parseInt(h.id().substring(1));
            double exact = dotDouble(unit(i), q);
            assertEquals(exact, h.similarity(), 1e-5, h.id());
            assertEquals(h.similarity(), index.similarity(h.id(), q).orElseThrow(), 1e-6, h.id());
        }
        assertEquals(dotDouble(unit(3), q), index.similarity("t3", q).orElseThrow(), 1e-5);
    }

    @Test
    void addCopiesTheVector() {
        TemplateIndex index = newIndex(DIM);
        float[] v = unit(9);
        index.add("v", v);
        float[] original = v.clone();
        java.util.Arrays.fill(v, 0);
        v[0] = 1;
        assertEquals(1.0, index.similarity("v", original).orElseThrow(), 1e-5);
    }

    // ---- argument checks ------------------------------------------------------------------------------------

    @Test
    void rejectsWrongDimension() {
        TemplateIndex index = newIndex(DIM);
        index.add("a", unit(1));
        float[] short3 = SyntheticTemplates.normalise(new float[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.add("x", short3));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains(String.valueOf(DIM)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.search(short3, 1));
        assertThrows(IllegalArgumentException.class, () -> index.similarity("a", short3));
        assertEquals(1, index.size());
    }

    @Test
    void rejectsNonFiniteAndNonUnitVectors() {
        TemplateIndex index = newIndex(DIM);
        float[] nan = unit(1);
        nan[5] = Float.NaN;
        float[] inf = unit(1);
        inf[5] = Float.POSITIVE_INFINITY;
        float[] half = scaled(unit(2), 0.5f);
        float[] slightlyLong = scaled(unit(3), 1.002f);
        float[] zero = new float[DIM];
        for (float[] bad : List.of(nan, inf, half, slightlyLong, zero)) {
            assertThrows(IllegalArgumentException.class, () -> index.add("bad", bad));
            assertThrows(IllegalArgumentException.class, () -> index.search(bad, 1));
            assertThrows(IllegalArgumentException.class, () -> index.similarity("bad", bad));
        }
        assertEquals(0, index.size());
        index.add("ok", scaled(unit(4), 1.0005f)); // within the 1e-3 tolerance
        assertEquals(1, index.size());
    }

    @Test
    void rejectsBadKAndNulls() {
        TemplateIndex index = newIndex(DIM);
        index.add("a", unit(1));
        assertThrows(IllegalArgumentException.class, () -> index.search(unit(1), 0));
        assertThrows(IllegalArgumentException.class, () -> index.search(unit(1), -1));
        assertThrows(NullPointerException.class, () -> index.add(null, unit(1)));
        assertThrows(NullPointerException.class, () -> index.add("n", null));
        assertThrows(NullPointerException.class, () -> index.search(null, 1));
        assertThrows(NullPointerException.class, () -> index.remove(null));
    }

    // ---- concurrency ----------------------------------------------------------------------------------------

    @Test
    void concurrentSearchesWithAWriter() throws Exception {
        TemplateIndex index = newIndex(DIM);
        int stable = 200;
        float[][] stableVectors = new float[stable][];
        for (int i = 0; i < stable; i++) {
            stableVectors[i] = unit(50_000 + i);
            index.add("s" + i, stableVectors[i]);
        }
        Set<String> churnLive = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writerDone = new AtomicBoolean();
        AtomicLong searches = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);

        Thread writer = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(11);
            try {
                start.await();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
                int ops = 0;
                while (System.nanoTime() < end || ops < 2000) {
                    String id = "c" + rnd.nextInt(1500);
                    if (rnd.nextInt(3) == 0) {
                        if (index.remove(id) != churnLive.remove(id)) {
                            throw new AssertionError("remove(" + id + ") disagrees with what was added");
                        }
                    } else {
                        index.add(id, SyntheticTemplates.randomUnit(rnd, DIM));
                        churnLive.add(id);
                    }
                    ops++;
                }
            } catch (Throwable t) {
                failures.add(t);
            } finally {
                writerDone.set(true);
            }
        }, "contract-writer");

        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            int seed = r;
            readers.add(new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                try {
                    start.await();
                    while (!writerDone.get()) {
                        int j = rnd.nextInt(stable);
                        List<SearchHit> hits = index.search(stableVectors[j], 5);
                        if (hits.isEmpty() || !hits.get(0).id().equals("s" + j)
                                || Math.abs(hits.get(0).similarity() - 1) > 1e-5) {
                            throw new AssertionError("stable template s" + j + " not found first: " + hits);
                        }
                        if (hits.size() > 5) {
                            throw new AssertionError("more than k hits: " + hits.size());
                        }
                        assertSorted(hits);
                        double sim = index.similarity("s" + j, stableVectors[j]).orElseThrow();
                        if (Math.abs(sim - 1) > 1e-5) {
                            throw new AssertionError("similarity of s" + j + " to itself: " + sim);
                        }
                        if (index.size() < stable) {
                            throw new AssertionError("size below the stable templates: " + index.size());
                        }
                        searches.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "contract-reader-" + r));
        }
        writer.start();
        readers.forEach(Thread::start);
        start.countDown();
        writer.join(30_000);
        for (Thread t : readers) {
            t.join(30_000);
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.peek();
            fail(failures.size() + " failure(s) in concurrent use; first: " + first, first);
        }
        assertTrue(searches.get() > 0, "readers never ran");
        assertEquals(stable + churnLive.size(), index.size());
    }

    // ---- recall against exact search ------------------------------------------------------------------------

    @Test
    void recallOnRandomUnitVectors() {
        Gallery g = Gallery.random();
        TemplateIndex index = g.fill(newIndex(DIM));
        assertRecall("random 20k, noisy-copy queries", index, g.copyQueries, g.copyTruth);
        assertRecall("random 20k, random queries", index, g.randomQueries, g.randomTruth);
    }

    @Test
    void recallOnFaceLikeTemplates() {
        Gallery g = Gallery.faceLike();
        TemplateIndex index = g.fill(newIndex(DIM));
        assertRecall("face-like 20k, mate queries", index, g.copyQueries, g.copyTruth);
        assertRecall("face-like 20k, unknown-identity queries", index, g.randomQueries, g.randomTruth);
    }

    private void assertRecall(String what, TemplateIndex index, float[][] queries, String[] truth) {
        int hits = 0;
        for (int i = 0; i < queries.length; i++) {
            if (index.search(queries[i], 1).get(0).id().equals(truth[i])) {
                hits++;
            }
        }
        double recall = (double) hits / queries.length;
        System.out.printf(java.util.Locale.ROOT, "%s: recall@1 (k=1) %s = %.4f (%d/%d)%n", name(), what, recall, hits,
                queries.length);
        assertTrue(recall >= 0.999, what + ": recall@1 " + recall + " < 0.999");
    }

    /** A 20k gallery with two query sets and their exact top-1 ids, built once per JVM. */
    private static final class Gallery {
        private static Gallery random;
        private static Gallery faceLike;

        final SyntheticTemplates gen;
        final int size = 20_000;
        final float[][] copyQueries;
        final float[][] randomQueries;
        String[] copyTruth;
        String[] randomTruth;

        private Gallery(SyntheticTemplates gen, int queriesEach) {
            this.gen = gen;
            SplittableRandom rnd = new SplittableRandom(99);
            copyQueries = new float[queriesEach][];
            randomQueries = new float[queriesEach][];
            for (int i = 0; i < queriesEach; i++) {
                int row = rnd.nextInt(size);
                copyQueries[i] = gen.isFaceLike() ? gen.probe(gen.identityOf(row), i)
                        : SyntheticTemplates.noisyCopy(gen.template(row), 0.2, rnd);
                randomQueries[i] = gen.isFaceLike() ? gen.unknown(i) : SyntheticTemplates.randomUnit(rnd, DIM);
            }
            TemplateIndex exact = fill(new FlatIndex(DIM, IndexOptions.builder().optThreads(1).build()));
            copyTruth = top1(exact, copyQueries);
            randomTruth = top1(exact, randomQueries);
        }

        static synchronized Gallery random() {
            if (random == null) {
                random = new Gallery(SyntheticTemplates.random(DIM, 2024), 2000);
            }
            return random;
        }

        static synchronized Gallery faceLike() {
            if (faceLike == null) {
                faceLike = new Gallery(SyntheticTemplates.faceLike(DIM, 2000, 2025), 1000);
            }
            return faceLike;
        }

        TemplateIndex fill(TemplateIndex index) {
            for (int i = 0; i < size; i++) {
                index.add("g" + i, gen.template(i));
            }
            return index;
        }

        private static String[] top1(TemplateIndex index, float[][] queries) {
            String[] ids = new String[queries.length];
            for (int i = 0; i < queries.length; i++) {
                ids[i] = index.search(queries[i], 1).get(0).id();
            }
            return ids;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** A deterministic random unit vector. */
    protected static float[] unit(long seed) {
        return SyntheticTemplates.randomUnit(new SplittableRandom(seed * 31 + 7), DIM);
    }

    private static float[] axis(int i) {
        float[] v = new float[DIM];
        v[i] = 1;
        return v;
    }

    /** A unit vector whose cosine to axis 0 is {@code cos}. */
    private static float[] mix(double cos) {
        float[] v = new float[DIM];
        v[0] = (float) cos;
        v[1] = (float) Math.sqrt(1 - cos * cos);
        return v;
    }

    private static float[] scaled(float[] v, float s) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
        return v;
    }

    private static double dotDouble(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static List<String> exactTop(List<float[]> all, float[] q, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        double[] s = new double[all.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dotDouble(all.get(i), q);
        }
        order.sort((x, y) -> Double.compare(s[y], s[x]));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ids.add("r" + order.get(i));
        }
        return ids;
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    private static void assertSorted(List<SearchHit> hits) {
        for (int i = 1; i < hits.size(); i++) {
            if (SearchHit.ORDER.compare(hits.get(i - 1), hits.get(i)) > 0) {
                throw new AssertionError("hits out of order at " + i + ": " + hits);
            }
        }
    }
}
