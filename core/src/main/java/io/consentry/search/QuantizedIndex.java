package io.consentry.search;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * 1:N search in two passes: an int8 scan of every template picks {@code k * oversample} candidates, then their
 * float vectors are re-ranked exactly. Reported similarities are exact (the same float dot product as
 * {@link FlatIndex}); only the choice of candidates is approximate, and the default oversample is set so the best
 * match is missed in fewer than 1 in 1000 searches (recall@1 >= 99.9% against exact search, measured by the
 * contract test and {@code IndexBench}).
 *
 * <pre>{@code
 * TemplateIndex index = new QuantizedIndex(128);
 * index.add("alice#1", aliceVector);
 * List<SearchHit> top5 = index.search(probe, 5);
 * }</pre>
 *
 * <p>Quantisation: one global scale, {@code code = round(127 * x)} per component. Every component of a unit vector
 * lies in [-1, 1], so nothing is clipped and no training or re-quantisation is needed as the gallery changes; the
 * price is a step of 1/127 (the dot-product error has a standard deviation of about 0.003), which the oversampled
 * re-rank absorbs. The query is quantised the same way and scanned with exact integer dot products (SIMD when
 * available).
 *
 * <p>Memory: {@code 5 * dimension} bytes per template plus its id (the float vectors are kept for re-ranking and
 * {@link #similarity}): 640 MB for one million 128-D templates, of which the scan streams only the 128 MB of codes.
 *
 * <p>When the int8 pass does not pay, the index scans its float vectors exactly instead, with the same results as
 * {@link FlatIndex}: below {@code k * oversample * 128} rows (40,960 for k = 5), and always without SIMD int8
 * kernels (no Vector API, or vectors narrower than 256 bits), because Java 17's scalar int8 dot product is slower
 * than its scalar float one (about 70 against 40 ns per 128-D row on the benchmark machine; the int8 codes are
 * still maintained).
 *
 * <p>Thread-safety: a {@link ReentrantReadWriteLock}, exactly as {@link FlatIndex}: searches in parallel, writers
 * exclusive.
 */
public final class QuantizedIndex implements TemplateIndex {

    /**
     * Candidates per requested hit. Measured with {@code IndexBench --sweep} (recall@1 at k = 1, the strictest case,
     * 1,000 queries per kind) on face-like synthetic galleries of 1,000,000 templates: oversample 16 found every
     * top-1 for noisy copies, enrolled-identity probes and random vectors, but only 99.0% for probes of identities
     * that are not enrolled (where everything is about equally similar); 32 gave 99.9% for those; 64 gave 100% for
     * all kinds. Re-ranking 64 (k = 1) or 320 (k = 5) rows costs tens of microseconds against a scan of
     * milliseconds, so the margin is cheap.
     */
    public static final int DEFAULT_OVERSAMPLE = 64;

    /**
     * Rows from which the int8 scan is split over several threads. Measured like {@link FlatIndex}'s threshold:
     * 2 threads were 1.36-1.45x as fast as 1 at 65,536 rows and 1.56-1.68x at 131,072 and 262,144 (the int8 pass
     * only runs from {@code k * oversample * 128} rows, 40,960 for k = 5, so smaller sizes are not comparable).
     */
    public static final int DEFAULT_PARALLEL_THRESHOLD = 65_536;

    /**
     * Below {@code k * oversample * 128} rows the exact float scan is used: it is as fast there and exact. Measured
     * with the int8 pass forced on (face-like data, AVX-512, one thread): the two break even at about 32,768 rows for
     * k = 5 (320 candidates) and 8,192 to 16,384 rows for k = 1 (64 candidates), where the float rows still fit in
     * the cache and the shortlist upkeep (about {@code m * ln(n / m)} heap operations) is not yet amortised.
     */
    static final long EXACT_SCAN_ROWS_PER_CANDIDATE = 128;

    /** Codes per unit of a component: {@code code = round(SCALE * x)}, in [-127, 127]. */
    static final float SCALE = 127f;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final VectorRows rows;
    private final IndexOptions options;
    private final int oversample;
    private final int parallelThreshold;
    private final boolean int8Pass;
    private final long exactScanRowsPerCandidate;
    private byte[] codes;

    /** An empty index with {@link #DEFAULT_OVERSAMPLE} and {@link IndexOptions#defaults()}. */
    public QuantizedIndex(int dimension) {
        this(dimension, DEFAULT_OVERSAMPLE, IndexOptions.defaults());
    }

    /**
     * @param oversample candidates re-ranked per requested hit, at least 1 (1 = int8 ranking only, then exact scores)
     */
    public QuantizedIndex(int dimension, int oversample, IndexOptions options) {
        this(dimension, oversample, options, VectorUtil.IMPL.fastInt8(), EXACT_SCAN_ROWS_PER_CANDIDATE);
    }

    /** Tests: {@code (true, 0)} forces the int8 pass on every non-empty index, also with the scalar kernels. */
    QuantizedIndex(int dimension, int oversample, IndexOptions options, boolean int8Pass,
                   long exactScanRowsPerCandidate) {
        if (oversample < 1) {
            throw new IllegalArgumentException("oversample must be at least 1, was " + oversample);
        }
        this.options = Objects.requireNonNull(options, "options");
        this.rows = new VectorRows(dimension, options.initialCapacity());
        this.codes = new byte[rows.capacity() * dimension];
        this.oversample = oversample;
        this.parallelThreshold = options.parallelThreshold().orElse(DEFAULT_PARALLEL_THRESHOLD);
        this.int8Pass = int8Pass;
        this.exactScanRowsPerCandidate = exactScanRowsPerCandidate;
    }

    @Override
    public void add(String id, float[] unitVector) {
        Objects.requireNonNull(id, "id");
        float[] v = Vectors.checkedCopy(unitVector, rows.dim(), "template");
        lock.writeLock().lock();
        try {
            int row = rows.put(id, v);
            if (codes.length != rows.capacity() * rows.dim()) {
                codes = Arrays.copyOf(codes, rows.capacity() * rows.dim());
            }
            quantise(v, codes, row * rows.dim());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean remove(String id) {
        Objects.requireNonNull(id, "id");
        lock.writeLock().lock();
        try {
            int hole = rows.remove(id);
            if (hole < 0) {
                return false;
            }
            int last = rows.size(); // the row that VectorRows moved into the hole
            if (hole != last) {
                System.arraycopy(codes, last * rows.dim(), codes, hole * rows.dim(), rows.dim());
            }
            return true;
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

    /** Candidates re-ranked per requested hit. */
    public int oversample() {
        return oversample;
    }

    /**
     * Whether a search for {@code k} hits on the index as it is now runs the int8 pass; otherwise it scans the float
     * vectors exactly (see the class doc). For diagnostics and benchmarks.
     */
    public boolean usesInt8Pass(int k) {
        Vectors.checkK(k);
        lock.readLock().lock();
        try {
            int n = rows.size();
            return int8Pass && n > (long) Math.min(k, n) * oversample * exactScanRowsPerCandidate;
        } finally {
            lock.readLock().unlock();
        }
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
            int kk = Math.min(k, n);
            int threads = n >= parallelThreshold ? options.threads() : 1;
            long candidates = (long) kk * oversample;
            if (!int8Pass || n <= candidates * exactScanRowsPerCandidate) {
                // scalar kernels, or a small index: the exact scan is as fast (see the class doc) and exact
                return FlatIndex.scanExact(rows, query, kk, threads, options).toHits();
            }
            int dim = rows.dim();
            byte[] q8 = new byte[dim];
            quantise(query, q8, 0);
            byte[] c8 = codes;
            int m = (int) candidates;
            CandidateHeap shortlist = ParallelScan.scan(n, threads, options.executor(), () -> new CandidateHeap(m),
                    (from, to, heap) -> scanInt8(q8, c8, dim, from, to, heap), CandidateHeap::addAll);
            // exact re-rank of the shortlist
            float[] data = rows.data();
            TopK top = new TopK(kk, rows.ids());
            VectorUtilSupport impl = VectorUtil.IMPL;
            for (int i = 0; i < shortlist.size(); i++) {
                int row = shortlist.row(i);
                top.offer(row, impl.dot(query, 0, data, row * dim, dim));
            }
            return top.toHits();
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
            codes = new byte[rows.capacity() * rows.dim()];
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "QuantizedIndex[dimension=" + rows.dim() + ", size=" + size() + ", oversample=" + oversample
                + ", int8Pass=" + int8Pass + ", vectorUtil=" + VectorUtil.implementationName() + ", threads=" + options.threads()
                + ", parallelThreshold=" + parallelThreshold + "]";
    }

    /** Writes the int8 codes of unit vector {@code v} to {@code out[offset, offset + v.length)}. */
    static void quantise(float[] v, byte[] out, int offset) {
        for (int i = 0; i < v.length; i++) {
            // |x| <= 1 + 1e-3 for accepted vectors, so the clamp only guards the rounding at exactly +-1.0005
            int q = Math.round(v[i] * SCALE);
            out[offset + i] = (byte) Math.max(-127, Math.min(127, q));
        }
    }

    private static void scanInt8(byte[] q8, byte[] codes, int dim, int from, int to, CandidateHeap heap) {
        VectorUtilSupport impl = VectorUtil.IMPL;
        for (int r = from, offset = from * dim; r < to; r++, offset += dim) {
            long key = CandidateHeap.key(impl.dotInt8(q8, 0, codes, offset, dim), r);
            if (key > heap.floor()) {
                heap.offer(key);
            }
        }
    }
}
