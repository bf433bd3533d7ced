package io.consentry.onnx;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, e.g. an NCHW image batch {@code [N, 3, H, W]}.
 * The array is shared, not copied: treat it as read-only once handed over.
 */
public record FloatTensor(long[] shape, float[] data) {
    public FloatTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
