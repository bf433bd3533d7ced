package io.consentry.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded concurrency for inference (detect, verify, identify, enrol): at most {@code permits} run at once on the
 * gate's own worker threads, at most {@code queue} more wait (fair, first come first served), and anything beyond is
 * refused at once with {@link ProblemCode#OVERLOADED} (429). A request that cannot get a permit or finish within
 * {@code timeout} gets {@link ProblemCode#TIMEOUT} (503); its work is not interrupted (ONNX Runtime and SQLite calls
 * are not safely interruptible) but keeps its permit until it ends, so the gate's count stays true.
 *
 * <p>Thread-safe. Request bodies are read and parsed <em>before</em> entering the gate, so a slow client never holds a
 * permit.
 */
final class InferenceGate implements AutoCloseable {
    private final int permits;
    private final int maxQueue;
    private final long timeoutNanos;
    private final Semaphore semaphore;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final ExecutorService workers;

    InferenceGate(int permits, int maxQueue, Duration timeout) {
        this.permits = permits;
        this.maxQueue = maxQueue;
        this.timeoutNanos = timeout.toNanos();
        this.semaphore = new Semaphore(permits, true);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(permits, r -> {
            Thread t = new Thread(r, "consentry-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} under a permit and returns its result; its exception is rethrown as is. */
    <T> T run(Callable<T> task) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        if (!semaphore.tryAcquire()) {
            if (waiting.incrementAndGet() > maxQueue) {
                waiting.decrementAndGet();
                rejected.incrementAndGet();
                throw new ProblemException(ProblemCode.OVERLOADED, "the server is busy (" + permits + " running, " + maxQueue
                        + " waiting); retry later");
            }
            boolean acquired;
            try {
                acquired = semaphore.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProblemException(ProblemCode.UNAVAILABLE, "the server is shutting down");
            } finally {
                waiting.decrementAndGet();
            }
            if (!acquired) {
                timeouts.incrementAndGet();
                throw new ProblemException(ProblemCode.TIMEOUT, "no inference slot became free within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
            }
        }
        Future<T> f;
        try {
            f = workers.submit(() -> {
                try {
                    return task.call();
                } finally {
                    semaphore.release();
                }
            });
        } catch (RejectedExecutionException e) {
            semaphore.release();
            throw new ProblemException(ProblemCode.UNAVAILABLE, "the server is shutting down");
        }
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timeouts.incrementAndGet();
            throw new ProblemException(ProblemCode.TIMEOUT, "the request did not finish within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(ProblemCode.UNAVAILABLE, "the server is shutting down");
        }
    }

    int permits() {
        return permits;
    }

    int maxQueue() {
        return maxQueue;
    }

    /** Requests running now. */
    int running() {
        return permits - semaphore.availablePermits();
    }

    /** Requests waiting for a permit now. */
    int waiting() {
        return waiting.get();
    }

    long rejected() {
        return rejected.get();
    }

    long timeouts() {
        return timeouts.get();
    }

    /** Stops accepting work and waits up to {@code grace} for running work to end. */
    void shutdown(Duration grace) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(30));
    }
}
