package io.consentry.search;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Exact 1:N search: every query is compared with every template (float dot product, SIMD when available).
 * Memory: {@code 4 * dimension} bytes per template plus its id (512 MB for one million 128-D templates).
 *
 * <pre>{@code
 * TemplateIndex index = new FlatIndex(128);
 * index.add("alice#1", aliceVector);
 * List<SearchHit> top5 = index.search(probe, 5);
 * }</pre>
 *
 * <p>Layout: one contiguous row-major {@code float[]} (grown by doubling), ids by row, and an id-to-row map;
 * removal moves the last row into the hole. A search streams the whole array once, keeping the best {@code k} rows
 * in a small heap; from {@link #DEFAULT_PARALLEL_THRESHOLD} rows the scan is split over
 * {@link IndexOptions#threads()} threads.
 *
 * <p>Thread-safety: a {@link ReentrantReadWriteLock} (non-fair). Searches, {@code similarity} and {@code size}
 * take the read lock and run in parallel; {@code add}, {@code remove} and {@code clear} take the write lock. A
 * read-write lock rather than copy-on-write because a copy of the gallery per write would cost O(size) time and
 * twice the memory (a second 512 MB for a million templates) on every enrolment.
 */
public final class FlatIndex implements TemplateIndex {

    /**
     * Rows from which a search is split over {@link IndexOptions#threads()} threads. Measured with
     * {@code IndexBench --threshold} (2 cores, AVX-512, otherwise idle machine, median of 400 queries, k = 5):
     * 2 threads were 0.97-1.04x as fast as 1 at 8,192 rows, 1.25-1.29x at 16,384, 1.9-2.3x at 32,768 and 65,536,
     * 1.35-1.65x from 131,072 (where the scan is bound by memory bandwidth). With other processes busy on the cores
     * the hand-off cost rises, hence the threshold at 32,768 rather than 16,384.
     */
    public static final int DEFAULT_PARALLEL_THRESHOLD = 32_768;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final VectorRows rows;
    private final IndexOptions options;
    private final int parallelThreshold;

    /** An empty index of {@code dimension}-D templates with {@link IndexOptions#defaults()}. */
    public FlatIndex(int dimension) {
        this(dimension, IndexOptions.defaults());
    }

    public FlatIndex(int dimension, IndexOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.rows = new VectorRows(dimension, options.initialCapacity());
        this.parallelThreshold = options.parallelThreshold().orElse(DEFAULT_PARALLEL_THRESHOLD);
    }

    @Override
    public void add(String id, float[] unitVector) {
        Objects.requireNonNull(id, "id");
        float[] v = Vectors.checkedCopy(unitVector, rows.dim(), "template");
        lock.writeLock().lock();
        try {
            rows.put(id, v);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean remove(String id) {
        Objects.requireNonNull(id, "id");
        lock.writeLock().lock();
        try {
            return rows.remove(id) >= 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return rows.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int dimension() {
        return rows.dim();
    }

    @Override
    public List<SearchHit> search(float[] query, int k) {
        Vectors.checkK(k);
        Vectors.checkUnit(query, rows.dim(), "query");
        lock.readLock().lock();
        try {
            int n = rows.size();
            if (n == 0) {
                return List.of();
            }
            return scanExact(rows, query, Math.min(k, n), threadsFor(n), options).toHits();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public OptionalDouble similarity(String id, float[] query) {
        Objects.requireNonNull(id, "id");
        Vectors.checkUnit(query, rows.dim(), "query");
        lock.readLock().lock();
        try {
            return rows.similarity(id, query);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void clear() {
        lock.writeLock().lock();
        try {
            rows.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "FlatIndex[dimension=" + rows.dim() + ", size=" + size() + ", vectorUtil=" + VectorUtil.implementationName()
                + ", threads=" + options.threads() + ", parallelThreshold=" + parallelThreshold + "]";
    }

    private int threadsFor(int n) {
        return n >= parallelThreshold ? options.threads() : 1;
    }

    /** Best {@code k} rows of {@code rows} by exact float dot product with {@code query}; caller holds a lock. */
    static TopK scanExact(VectorRows rows, float[] query, int k, int threads, IndexOptions options) {
        float[] data = rows.data();
        int dim = rows.dim();
        String[] ids = rows.ids();
        return ParallelScan.scan(rows.size(), threads, options.executor(), () -> new TopK(k, ids),
                (from, to, top) -> scanExact(query, data, dim, from, to, top), TopK::addAll);
    }

    private static void scanExact(float[] query, float[] data, int dim, int from, int to, TopK top) {
        VectorUtilSupport impl = VectorUtil.IMPL;
        for (int r = from, offset = from * dim; r < to; r++, offset += dim) {
            float s = impl.dot(query, 0, data, offset, dim);
            if (s >= top.floor()) {
                top.offer(r, s);
            }
        }
    }
}
