package io.consentry.search;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Immutable settings shared by {@link FlatIndex} and {@link QuantizedIndex}; build with {@link #builder()}.
 * Everything is optional.
 *
 * <pre>{@code
 * IndexOptions opts = IndexOptions.builder().optInitialCapacity(1_000_000).optThreads(1).build();
 * TemplateIndex index = new FlatIndex(128, opts);
 * }</pre>
 *
 * @param initialCapacity   rows allocated up front (default 1024); the index doubles its arrays when full, so a
 *                          known gallery size avoids the copies (and the transient 1.5x memory) of growing
 * @param threads           threads one search may use, the caller included (default: available processors;
 *                          1 = always scan in the calling thread)
 * @param parallelThreshold scan in parallel only from this many rows; empty = the index's measured default
 *                          ({@link FlatIndex#DEFAULT_PARALLEL_THRESHOLD}, {@link QuantizedIndex#DEFAULT_PARALLEL_THRESHOLD})
 * @param executor          where helper threads of a parallel scan run (default {@link ForkJoinPool#commonPool()})
 */
public record IndexOptions(int initialCapacity, int threads, OptionalInt parallelThreshold, Executor executor) {

    public IndexOptions {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be at least 1, was " + initialCapacity);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        Objects.requireNonNull(parallelThreshold, "parallelThreshold");
        Objects.requireNonNull(executor, "executor");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static IndexOptions defaults() {
        return builder().build();
    }

    /** Builder: {@code opt*} methods set optional values. */
    public static final class Builder {
        private int initialCapacity = 1024;
        private int threads = Runtime.getRuntime().availableProcessors();
        private OptionalInt parallelThreshold = OptionalInt.empty();
        private Executor executor = ForkJoinPool.commonPool();

        private Builder() {
        }

        public Builder optInitialCapacity(int rows) {
            this.initialCapacity = rows;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder optParallelThreshold(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("parallelThreshold must not be negative, was " + rows);
            }
            this.parallelThreshold = OptionalInt.of(rows);
            return this;
        }

        public Builder optExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public IndexOptions build() {
            return new IndexOptions(initialCapacity, threads, parallelThreshold, executor);
        }
    }
}
