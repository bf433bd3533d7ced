package io.consentry.search;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelScanTest {

    private static final int ROWS = 50_000;
    private static final String[] IDS = new String[ROWS];

    static {
        for (int i = 0; i < ROWS; i++) {
            IDS[i] = String.format("r%06d", i);
        }
    }

    /** Score of row r: a fixed pseudo-random permutation, so the best rows are known. */
    private static float score(int r) {
        return (float) ((r * 7919L) % ROWS);
    }

    private static final ParallelScan.Chunk<TopK> CHUNK = (from, to, top) -> {
        for (int r = from; r < to; r++) {
            top.offer(r, score(r));
        }
    };

    private static int[] best(TopK top) {
        int[] rows = top.rows();
        Arrays.sort(rows);
        return rows;
    }

    private static TopK scan(int threads, Executor executor, ParallelScan.Chunk<TopK> chunk) {
        return ParallelScan.scan(ROWS, threads, executor, () -> new TopK(10, IDS), chunk, TopK::addAll);
    }

    @Test
    void parallelEqualsSequential() {
        int[] expected = best(scan(1, ForkJoinPool.commonPool(), CHUNK));
        assertEquals(10, expected.length);
        assertArrayEquals(expected, best(scan(4, ForkJoinPool.commonPool(), CHUNK)));
    }

    @Test
    void callerFinishesAloneWhenHelpersNeverRun() {
        Executor blackHole = task -> { };
        Executor rejecting = task -> {
            throw new RejectedExecutionException("shut down");
        };
        int[] expected = best(scan(1, blackHole, CHUNK));
        assertArrayEquals(expected, best(scan(4, blackHole, CHUNK)));
        assertArrayEquals(expected, best(scan(4, rejecting, CHUNK)));
    }

    @Test
    void failuresInAnyChunkPropagate() {
        ParallelScan.Chunk<TopK> failing = (from, to, top) -> {
            if (from > 0) {
                throw new IllegalStateException("boom");
            }
        };
        assertThrows(IllegalStateException.class,
                () -> scan(4, ForkJoinPool.commonPool(), failing));
    }

    @Test
    void candidateHeapKeepsTheBestScoresPreferringLowRows() {
        CandidateHeap heap = new CandidateHeap(3);
        int[] scores = {5, -7, 9, 9, 2, 9, -1};
        for (int r = 0; r < scores.length; r++) {
            long key = CandidateHeap.key(scores[r], r);
            if (key > heap.floor()) {
                heap.offer(key);
            }
        }
        int[] rows = new int[heap.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = heap.row(i);
        }
        Arrays.sort(rows);
        assertArrayEquals(new int[] {2, 3, 5}, rows);
        heap = new CandidateHeap(2);
        heap.offer(CandidateHeap.key(-100, 7));
        heap.offer(CandidateHeap.key(-100, 3));
        heap.offer(CandidateHeap.key(-100, 5));
        rows = new int[] {heap.row(0), heap.row(1)};
        Arrays.sort(rows);
        assertArrayEquals(new int[] {3, 5}, rows);
    }

    @Test
    void topKBreaksTiesById() {
        String[] ids = {"c", "a", "b", "d"};
        TopK top = new TopK(2, ids);
        for (int r = 0; r < ids.length; r++) {
            top.offer(r, 1f);
        }
        assertEquals(java.util.List.of("a", "b"), top.toHits().stream().map(SearchHit::id).toList());
    }
}
