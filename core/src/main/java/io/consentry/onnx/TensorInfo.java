package io.consentry.onnx;

import java.util.Arrays;

/** Name, element type and shape of a model input or output; {@code -1} marks a dynamic dimension. */
public record TensorInfo(String name, String type, long[] shape) {
    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
