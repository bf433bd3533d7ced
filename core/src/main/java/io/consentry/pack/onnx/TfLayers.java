package io.consentry.pack.onnx;

import io.consentry.pack.onnx.OnnxGraph.Attr;
import io.consentry.pack.tfjs.TfjsWeights.Tensor;

import java.util.List;

/**
 * Builds TensorFlow-style layers as ONNX nodes in NCHW layout, with TensorFlow's {@code 'same'} padding
 * (extra pixel after, i.e. bottom/right) turned into explicit ONNX pads. Spatial sizes are static; the
 * batch dimension is symbolic. Filters arrive in TensorFlow layout and are transposed here:
 * conv {@code [kh,kw,in,out] -> [out,in,kh,kw]}, depthwise {@code [kh,kw,c,1] -> [c,1,kh,kw]}.
 */
public final class TfLayers {
    /** A feature map {@code name} of shape {@code [N, c, h, w]}. */
    public record Fm(String name, int c, int h, int w) { }

    public enum Padding { SAME, VALID }

    private final OnnxGraph g;

    public TfLayers(OnnxGraph g) {
        this.g = g;
    }

    public OnnxGraph graph() {
        return g;
    }

    /** Convolution with optional per-output-channel bias ({@code bias} may be null). */
    public Fm conv(Fm x, float[] tfFilter, int[] shape, float[] bias, int stride, Padding padding) {
        int kh = shape[0];
        int kw = shape[1];
        int cin = shape[2];
        int cout = shape[3];
        check(x.c() == cin, "conv expects " + cin + " input channels, got " + x.c());
        float[] w = new float[tfFilter.length];
        for (int y = 0; y < kh; y++) {
            for (int xx = 0; xx < kw; xx++) {
                for (int i = 0; i < cin; i++) {
                    for (int o = 0; o < cout; o++) {
                        w[((o * cin + i) * kh + y) * kw + xx] = tfFilter[((y * kw + xx) * cin + i) * cout + o];
                    }
                }
            }
        }
        String wName = g.constant("W", w, cout, cin, kh, kw);
        return convNode(x, wName, bias, cout, kh, kw, stride, padding, 1);
    }

    public Fm conv(Fm x, Tensor filter, float[] bias, int stride, Padding padding) {
        return conv(x, filter.data(), filter.shape(), bias, stride, padding);
    }

    /** Depthwise convolution (channel multiplier 1) with optional bias. */
    public Fm depthwise(Fm x, float[] tfFilter, int[] shape, float[] bias, int stride, Padding padding) {
        int kh = shape[0];
        int kw = shape[1];
        int c = shape[2];
        check(shape[3] == 1 && c == x.c(), "depthwise filter " + java.util.Arrays.toString(shape) + " for " + x.c() + " channels");
        float[] w = new float[tfFilter.length];
        for (int y = 0; y < kh; y++) {
            for (int xx = 0; xx < kw; xx++) {
                for (int ch = 0; ch < c; ch++) {
                    w[(ch * kh + y) * kw + xx] = tfFilter[(y * kw + xx) * c + ch];
                }
            }
        }
        String wName = g.constant("DW", w, c, 1, kh, kw);
        return convNode(x, wName, bias, c, kh, kw, stride, padding, c);
    }

    private Fm convNode(Fm x, String wName, float[] bias, int cout, int kh, int kw, int stride, Padding padding, int group) {
        int[] ph = pads(x.h(), kh, stride, padding);
        int[] pw = pads(x.w(), kw, stride, padding);
        String out;
        Attr[] attrs = {
            Attr.ints("kernel_shape", kh, kw),
            Attr.ints("strides", stride, stride),
            Attr.ints("pads", ph[0], pw[0], ph[1], pw[1]),
            Attr.i("group", group)
        };
        if (bias != null) {
            check(bias.length == cout, "bias has " + bias.length + " values for " + cout + " channels");
            out = g.node("Conv", List.of(x.name(), wName, g.constant("B", bias, cout)), attrs);
        } else {
            out = g.node("Conv", List.of(x.name(), wName), attrs);
        }
        return new Fm(out, cout, ph[2], pw[2]);
    }

    /** TensorFlow padding for one spatial axis: {before, after, outputSize}. */
    static int[] pads(int in, int k, int stride, Padding padding) {
        if (padding == Padding.VALID) {
            return new int[] {0, 0, (in - k) / stride + 1};
        }
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return new int[] {total / 2, total - total / 2, out};
    }

    public Fm relu(Fm x) {
        return same(x, g.node("Relu", x.name()));
    }

    /** {@code min(max(x, 0), 6)}. */
    public Fm relu6(Fm x) {
        String lo = g.constant("zero", new float[] {0f});
        String hi = g.constant("six", new float[] {6f});
        return same(x, g.node("Clip", List.of(x.name(), lo, hi)));
    }

    public Fm add(Fm a, Fm b) {
        check(a.c() == b.c() && a.h() == b.h() && a.w() == b.w(), "add of " + a + " and " + b);
        return same(a, g.node("Add", List.of(a.name(), b.name())));
    }

    public Fm maxPool(Fm x, int k, int stride, Padding padding) {
        return pool("MaxPool", x, k, stride, padding);
    }

    public Fm avgPool(Fm x, int k, int stride, Padding padding) {
        check(padding == Padding.VALID, "only VALID average pooling is supported (TF excludes padding from the mean)");
        return pool("AveragePool", x, k, stride, padding);
    }

    private Fm pool(String op, Fm x, int k, int stride, Padding padding) {
        int[] ph = pads(x.h(), k, stride, padding);
        int[] pw = pads(x.w(), k, stride, padding);
        String out = g.node(op, x.name(),
                Attr.ints("kernel_shape", k, k),
                Attr.ints("strides", stride, stride),
                Attr.ints("pads", ph[0], pw[0], ph[1], pw[1]));
        return new Fm(out, x.c(), ph[2], pw[2]);
    }

    /** Zero-pads channels up to {@code c} (after the existing ones). */
    public Fm padChannels(Fm x, int c) {
        String pads = g.constantInt64("pads", 0, 0, 0, 0, 0, c - x.c(), 0, 0);
        return new Fm(g.node("Pad", List.of(x.name(), pads)), c, x.h(), x.w());
    }

    /** Appends one zero row at the bottom and one zero column at the right. */
    public Fm padBottomRight(Fm x) {
        String pads = g.constantInt64("pads", 0, 0, 0, 0, 0, 0, 1, 1);
        return new Fm(g.node("Pad", List.of(x.name(), pads)), x.c(), x.h() + 1, x.w() + 1);
    }

    /** Global average over H and W: {@code [N, c]}. */
    public String globalMean(Fm x) {
        return g.node("ReduceMean", x.name(), Attr.ints("axes", 2, 3), Attr.i("keepdims", 0));
    }

    /** {@code [N, c*h*w]} in NHWC order (as TensorFlow flattens), then {@code x @ W + b}. */
    public String dense(String x2d, float[] weights, int in, int out, float[] bias) {
        String w = g.constant("FC", weights, in, out);
        String y = g.node("MatMul", List.of(x2d, w));
        if (bias != null) {
            y = g.node("Add", List.of(y, g.constant("FCB", bias, out)));
        }
        return y;
    }

    /** NCHW {@code [N,c,h,w]} to NHWC-ordered rows {@code [N, h*w*k, c/k]}, as TF's reshape of NHWC does. */
    public String toRows(Fm x, int perRow) {
        String t = g.node("Transpose", x.name(), Attr.ints("perm", 0, 2, 3, 1));
        String shape = g.constantInt64("shape", 0, -1, perRow);
        return g.node("Reshape", List.of(t, shape));
    }

    private static Fm same(Fm like, String name) {
        return new Fm(name, like.c(), like.h(), like.w());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
