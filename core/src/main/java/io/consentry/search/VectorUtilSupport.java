package io.consentry.search;

/**
 * The kernels behind {@link VectorUtil}: one scalar implementation that always exists and one on the incubating
 * Vector API, chosen once by {@link VectorizationProvider}. Implementations do no argument checking: the callers
 * ({@link VectorUtil} and the indexes, whose row layout guarantees the ranges) check before calling.
 *
 * <p>Internal: not part of the public API.
 */
interface VectorUtilSupport {

    /** Short name for logs and benchmarks, e.g. {@code "scalar"} or {@code "panama(512-bit)"}. */
    String name();

    /** {@code sum(a[aOffset + i] * b[bOffset + i])} for {@code i < dim}, accumulated in float. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int dim);

    /**
     * Whether {@link #dotInt8} is faster than {@link #dot} per element (SIMD). On Java 17 the scalar int8 loop is
     * about half as fast as the scalar float loop, so int8 candidate scans only pay with this true.
     */
    boolean fastInt8();

    /** Exact integer {@code sum(a[aOffset + i] * b[bOffset + i])} for {@code i < dim}. */
    int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int dim);
}
