package io.consentry.search;

/**
 * Dot products for search, the one place for vector math in Consentry. Every method checks its arguments (an
 * {@link IllegalArgumentException} naming both lengths) and delegates to an implementation chosen once per JVM:
 *
 * <ul>
 *   <li>SIMD kernels on the incubating Vector API when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector} (the {@code ./consentry} launcher and the Maven test runs do);
 *       Java 17 prints {@code WARNING: Using incubator modules: jdk.incubator.vector} on stderr at start-up;</li>
 *   <li>otherwise a scalar implementation (4x unrolled plain Java), logged once at INFO via
 *       {@code java.util.logging} logger {@code io.consentry.search} with the reason.</li>
 * </ul>
 *
 * <p>{@code -Dconsentry.vectorization=scalar} forces the scalar kernels (for measurements). The float results of
 * the two implementations differ by rounding only (different summation order, fused multiply-add); the int8
 * results are exact and identical.
 *
 * <pre>{@code
 * float cos = VectorUtil.dot(a, b);            // both L2-normalised: cosine similarity, higher = more similar
 * String how = VectorUtil.implementationName(); // "panama(512-bit)" or "scalar"
 * }</pre>
 */
public final class VectorUtil {

    /** The kernels, chosen once; package-private so the indexes can call them without re-checking row ranges. */
    static final VectorUtilSupport IMPL = VectorizationProvider.get();

    private VectorUtil() {
    }

    /** Dot product of two vectors of the same length (the cosine similarity when both have unit length). */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector dimensions differ: " + a.length + " != " + b.length);
        }
        return checkFinite(IMPL.dot(a, 0, b, 0, a.length));
    }

    /**
     * Dot product of {@code a[aOffset, aOffset + dim)} and {@code b[bOffset, bOffset + dim)}, e.g. of a query and
     * one row of a row-major matrix.
     *
     * @throws IllegalArgumentException if a range does not fit its array (the message names both lengths)
     */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        checkRanges(a.length, aOffset, b.length, bOffset, dim);
        return checkFinite(IMPL.dot(a, aOffset, b, bOffset, dim));
    }

    /** Exact dot product of two int8 vectors of the same length (as an int: exact for lengths up to 131,072). */
    public static int dotInt8(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector dimensions differ: " + a.length + " != " + b.length);
        }
        return IMPL.dotInt8(a, 0, b, 0, a.length);
    }

    /** Exact dot product of {@code a[aOffset, aOffset + dim)} and {@code b[bOffset, bOffset + dim)} as int8. */
    public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int dim) {
        checkRanges(a.length, aOffset, b.length, bOffset, dim);
        return IMPL.dotInt8(a, aOffset, b, bOffset, dim);
    }

    /** The implementation in use: {@code "scalar"} or {@code "panama(<bits>-bit)"}. */
    public static String implementationName() {
        return IMPL.name();
    }

    /** Whether the SIMD (Vector API) implementation is in use. */
    public static boolean isVectorized() {
        return IMPL != ScalarVectorUtilSupport.INSTANCE;
    }

    private static void checkRanges(int aLength, int aOffset, int bLength, int bOffset, int dim) {
        if (dim < 0 || aOffset < 0 || bOffset < 0 || aOffset > aLength - dim || bOffset > bLength - dim) {
            throw new IllegalArgumentException("dim " + dim + " at offsets " + aOffset + " and " + bOffset
                    + " does not fit vectors of length " + aLength + " and " + bLength);
        }
    }

    private static float checkFinite(float r) {
        assert Float.isFinite(r) : "non-finite dot product " + r;
        return r;
    }
}
