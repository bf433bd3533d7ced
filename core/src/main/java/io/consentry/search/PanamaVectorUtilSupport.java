package io.consentry.search;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API ({@code jdk.incubator.vector}, Java 17). The only class of Consentry that
 * imports it; it is loaded reflectively by {@link VectorizationProvider}, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} never links it and uses {@link ScalarVectorUtilSupport} instead.
 *
 * <p>Float dot product: {@link FloatVector#SPECIES_PREFERRED} (16 lanes on AVX-512, 8 on AVX2), four accumulators
 * with fused multiply-add, a scalar tail. Int8 dot product: bytes are widened to shorts, multiplied (a product of
 * two int8 fits in a short), widened to ints and accumulated, which is the portable form of {@code vpmaddubsw}-style
 * code that this Vector API version can express.
 *
 * <p>Internal: not part of the public API.
 */
final class PanamaVectorUtilSupport implements VectorUtilSupport {

    private static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED;
    private static final int FLOAT_LANES = FLOAT.length();
    private static final int BITS = FLOAT.vectorBitSize();

    PanamaVectorUtilSupport() {
        if (BITS < 128) {
            // e.g. C2 disabled or -XX:MaxVectorSize=8: the "vectors" would be emulated, much slower than scalar
            throw new UnsupportedOperationException("preferred vector size is only " + BITS + " bits");
        }
    }

    @Override
    public String name() {
        return "panama(" + BITS + "-bit)";
    }

    @Override
    public boolean fastInt8() {
        return BITS >= 256; // the widening int8 kernels below; on 128-bit vectors dotInt8 is the scalar loop
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        int i = 0;
        float res = 0;
        // Vectorise only when two full vectors fit: for shorter inputs the final lane reduction costs more than the
        // scalar loop it replaces.
        if (dim >= 2 * FLOAT_LANES) {
            i = FLOAT.loopBound(dim);
            res = dotBody(a, aOffset, b, bOffset, i);
        }
        // scalar tail: fewer than FLOAT_LANES elements
        for (; i < dim; i++) {
            res = Math.fma(a[aOffset + i], b[bOffset + i], res);
        }
        return res;
    }

    /** Vectorised part of {@link #dot} for {@code [0, limit)}; {@code limit} is a multiple of the lane count. */
    private static float dotBody(float[] a, int aOffset, float[] b, int bOffset, int limit) {
        FloatVector acc1 = FloatVector.zero(FLOAT);
        FloatVector acc2 = FloatVector.zero(FLOAT);
        FloatVector acc3 = FloatVector.zero(FLOAT);
        FloatVector acc4 = FloatVector.zero(FLOAT);
        int i = 0;
        // 4x unrolled, four independent accumulators: an FMA has 4-cycle latency but two issue per cycle, so one
        // accumulator would leave most of the FMA units idle.
        int unrolledLimit = limit - 3 * FLOAT_LANES;
        for (; i < unrolledLimit; i += 4 * FLOAT_LANES) {
            acc1 = FloatVector.fromArray(FLOAT, a, aOffset + i).fma(FloatVector.fromArray(FLOAT, b, bOffset + i), acc1);
            int j = i + FLOAT_LANES;
            acc2 = FloatVector.fromArray(FLOAT, a, aOffset + j).fma(FloatVector.fromArray(FLOAT, b, bOffset + j), acc2);
            j += FLOAT_LANES;
            acc3 = FloatVector.fromArray(FLOAT, a, aOffset + j).fma(FloatVector.fromArray(FLOAT, b, bOffset + j), acc3);
            j += FLOAT_LANES;
            acc4 = FloatVector.fromArray(FLOAT, a, aOffset + j).fma(FloatVector.fromArray(FLOAT, b, bOffset + j), acc4);
        }
        // at most three remaining full vectors
        for (; i < limit; i += FLOAT_LANES) {
            acc1 = FloatVector.fromArray(FLOAT, a, aOffset + i).fma(FloatVector.fromArray(FLOAT, b, bOffset + i), acc1);
        }
        return acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int dim) {
        int i = 0;
        int res = 0;
        if (BITS >= 512 && dim >= 16) {
            i = ByteVector.SPECIES_128.loopBound(dim);
            res = int8Body512(a, aOffset, b, bOffset, i);
        } else if (BITS >= 256 && dim >= 8) {
            i = ByteVector.SPECIES_64.loopBound(dim);
            res = int8Body256(a, aOffset, b, bOffset, i);
        }
        // scalar tail (and the whole thing on 128-bit hardware, where widening twice leaves too few lanes to win)
        for (; i < dim; i++) {
            res += a[aOffset + i] * b[bOffset + i];
        }
        return res;
    }

    /** 16 bytes per step: byte x16 (128-bit) -> short x16 (256-bit) multiply -> int x16 (512-bit) accumulate. */
    private static int int8Body512(byte[] a, int aOffset, byte[] b, int bOffset, int limit) {
        IntVector acc = IntVector.zero(IntVector.SPECIES_512);
        for (int i = 0; i < limit; i += 16) {
            ByteVector va8 = ByteVector.fromArray(ByteVector.SPECIES_128, a, aOffset + i);
            ByteVector vb8 = ByteVector.fromArray(ByteVector.SPECIES_128, b, bOffset + i);
            Vector<Short> va16 = va8.convertShape(VectorOperators.B2S, ShortVector.SPECIES_256, 0);
            Vector<Short> vb16 = vb8.convertShape(VectorOperators.B2S, ShortVector.SPECIES_256, 0);
            Vector<Short> prod16 = va16.mul(vb16);
            Vector<Integer> prod32 = prod16.convertShape(VectorOperators.S2I, IntVector.SPECIES_512, 0);
            acc = acc.add(prod32);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** 8 bytes per step: byte x8 (64-bit) -> short x8 (128-bit) multiply -> int x8 (256-bit) accumulate. */
    private static int int8Body256(byte[] a, int aOffset, byte[] b, int bOffset, int limit) {
        IntVector acc = IntVector.zero(IntVector.SPECIES_256);
        for (int i = 0; i < limit; i += 8) {
            ByteVector va8 = ByteVector.fromArray(ByteVector.SPECIES_64, a, aOffset + i);
            ByteVector vb8 = ByteVector.fromArray(ByteVector.SPECIES_64, b, bOffset + i);
            Vector<Short> va16 = va8.convertShape(VectorOperators.B2S, ShortVector.SPECIES_128, 0);
            Vector<Short> vb16 = vb8.convertShape(VectorOperators.B2S, ShortVector.SPECIES_128, 0);
            Vector<Short> prod16 = va16.mul(vb16);
            Vector<Integer> prod32 = prod16.convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0);
            acc = acc.add(prod32);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
