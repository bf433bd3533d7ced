package io.consentry.search;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Splits a scan over rows {@code [0, rows)} into chunks, each scanned into its own result ({@link TopK} or
 * {@link CandidateHeap}), and merges them.
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
     * @param newResult an empty per-chunk result
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
        Object[] results = new Object[chunks];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    R result = newResult.get();
                    int from = c * chunkRows;
                    chunk.scan(from, Math.min(rows, from + chunkRows), result);
                    results[c] = result;
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(threads, chunks) - 1;
        for (int i = 0; i < helpers; i++) {
            try {
                executor.execute(worker);
            } catch (RejectedExecutionException e) {
                break; // the caller scans the rest
            }
        }
        worker.run();
        awaitUninterruptibly(done);
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
        R merged = newResult.get();
        for (Object r : results) {
            @SuppressWarnings("unchecked") // results[c] was created by newResult
            R typed = (R) r;
            merge.accept(merged, typed);
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
