package io.consentry.search;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Splits a scan over rows {@code [0, rows)} into chunks scanned by several threads, each into its own result
 * ({@link TopK} or {@link CandidateHeap}), and merges the results.
 *
 * <p>The calling thread always works: it claims chunks from a shared counter like the helpers it submits to the
 * executor, so the scan completes even if no helper ever starts (a busy or shut-down pool), and a late helper finds
 * nothing left to claim. The caller waits only for chunks already claimed by running helpers, so there is no
 * deadlock when the caller is itself a pool thread. The caller keeps holding the index's read lock while helpers
 * read the arrays; the latch orders their writes to the per-chunk results before the merge.
 */
final class ParallelScan {

    /** Scans rows {@code [from, to)} into {@code out}. */
    @FunctionalInterface
    interface Chunk<R> {
        void scan(int from, int to, R out);
    }

    /** Chunks per thread: more than one, so a thread slowed by another process does not hold up the scan. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** No chunk smaller than this (rows): per-chunk set-up and heap filling must stay negligible. */
    private static final int MIN_CHUNK_ROWS = 4096;

    private ParallelScan() {
    }

    /**
     * Scans {@code [0, rows)} with up to {@code threads} threads (the caller plus helpers on {@code executor}).
     *
     * @param newResult an empty result (one per participating thread)
     * @param merge     adds the second result to the first
     */
    static <R> R scan(int rows, int threads, Executor executor, Supplier<R> newResult, Chunk<R> chunk,
                      BiConsumer<R, R> merge) {
        int chunkRows = Math.max(MIN_CHUNK_ROWS, ceilDiv(rows, threads * CHUNKS_PER_THREAD));
        int chunks = ceilDiv(rows, chunkRows);
        if (threads <= 1 || chunks <= 1) {
            R result = newResult.get();
            chunk.scan(0, rows, result);
            return result;
        }
        int participants = Math.min(threads, chunks);
        // one result per participant, reused for all chunks it claims: the heap is filled once per thread, not
        // once per chunk (a large shortlist costs about m * ln(rows / m) operations to fill)
        AtomicReferenceArray<R> results = new AtomicReferenceArray<>(participants);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        IntFunction<Runnable> worker = w -> () -> {
            R result = null;
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (result == null) {
                        result = newResult.get();
                        results.set(w, result);
                    }
                    int from = c * chunkRows;
                    chunk.scan(from, Math.min(rows, from + chunkRows), result);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown(); // publishes this chunk's writes to the caller's await
                }
            }
        };
        for (int w = 1; w < participants; w++) {
            try {
                executor.execute(worker.apply(w));
            } catch (RejectedExecutionException e) {
                break; // the caller scans the rest
            }
        }
        worker.apply(0).run();
        awaitUninterruptibly(done);
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
        R merged = null;
        for (int w = 0; w < participants; w++) {
            R r = results.get(w);
            if (r == null) {
                continue; // a helper that never claimed a chunk
            }
            if (merged == null) {
                merged = r;
            } else {
                merge.accept(merged, r);
            }
        }
        return merged;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the claimed chunks finish quickly; keep the flag for the caller
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }
}
