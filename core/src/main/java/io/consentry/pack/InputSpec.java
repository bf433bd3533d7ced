package io.consentry.pack;

import java.util.List;

/**
 * How an image becomes a model's input tensor.
 *
 * @param name     input tensor name in the ONNX graph
 * @param shape    tensor shape; -1 marks a dynamic dimension (batch, or H/W for fully convolutional detectors)
 * @param layout   {@code NCHW}
 * @param channels channel order of the tensor, {@code RGB} or {@code BGR}
 * @param range    pixel value range before normalisation, e.g. [0, 255]
 * @param mean     per-channel mean subtracted, in the tensor's channel order
 * @param std      per-channel divisor applied after subtracting the mean
 * @param resize   how a picture is fitted to the input, e.g. "pad-bottom-right then bilinear (TF legacy)"
 */
public record InputSpec(String name, List<Long> shape, String layout, String channels, List<Double> range,
                        List<Double> mean, List<Double> std, String resize) {
    /** {@code (pixel - mean[c]) / std[c]} as float coefficients: {@code out = pixel * scale[c] + offset[c]}. */
    public float[] scale() {
        return new float[] {(float) (1 / std.get(0)), (float) (1 / std.get(1)), (float) (1 / std.get(2))};
    }

    public float[] offset() {
        return new float[] {(float) (-mean.get(0) / std.get(0)), (float) (-mean.get(1) / std.get(1)), (float) (-mean.get(2) / std.get(2))};
    }
}
