package io.consentry.pack.faceapi;

import io.consentry.pack.PackException;
import io.consentry.pack.onnx.OnnxGraph;
import io.consentry.pack.onnx.TfLayers;
import io.consentry.pack.onnx.TfLayers.Fm;
import io.consentry.pack.onnx.TfLayers.Padding;
import io.consentry.pack.tfjs.TfjsWeights;
import io.consentry.pack.tfjs.TfjsWeights.Tensor;

import java.util.List;

/**
 * Converts the three face-api.js nets (TensorFlow.js weights of {@code @vladmandic/face-api}) into ONNX graphs,
 * layer by layer as face-api.js's own sources compute them. Every graph takes {@code input}: float32
 * {@code [N, 3, H, W]}, RGB, already normalised (the normalisation is recorded in the pack manifest and applied
 * by the matching translator). Batch norm and face-api.js's "scale" layers are folded into the convolutions.
 */
public final class FaceApiConverter {
    /** ONNX opset the graphs use. */
    public static final int OPSET = 13;

    private FaceApiConverter() {
    }

    /**
     * faceRecognitionNet (ResNet-34-like, dlib's metric net). Input {@code [N,3,150,150]} normalised as
     * {@code (x - [122.782, 117.001, 104.298]) / 255}; output {@code descriptor [N,128]} (raw, not L2-normalised).
     */
    public static byte[] recognitionNet(TfjsWeights w) throws PackException {
        OnnxGraph g = new OnnxGraph("faceRecognitionNet", OPSET);
        TfLayers l = new TfLayers(g);
        g.input("input", -1, 3, 150, 150);
        Fm x = new Fm("input", 3, 150, 150);
        x = l.relu(scaledConv(l, w, "conv32_down", x, 2, Padding.VALID));
        x = l.maxPool(x, 3, 2, Padding.VALID);
        for (String k : List.of("conv32_1", "conv32_2", "conv32_3")) {
            x = residual(l, w, k, x);
        }
        x = residualDown(l, w, "conv64_down", x);
        for (String k : List.of("conv64_1", "conv64_2", "conv64_3")) {
            x = residual(l, w, k, x);
        }
        x = residualDown(l, w, "conv128_down", x);
        for (String k : List.of("conv128_1", "conv128_2")) {
            x = residual(l, w, k, x);
        }
        x = residualDown(l, w, "conv256_down", x);
        for (String k : List.of("conv256_1", "conv256_2")) {
            x = residual(l, w, k, x);
        }
        x = residualDown(l, w, "conv256_down_out", x);
        String avg = l.globalMean(x);
        Tensor fc = w.get("fc");
        String y = l.dense(avg, fc.data(), fc.shape()[0], fc.shape()[1], null);
        g.nodeNamed("Identity", List.of(y), "descriptor");
        g.output("descriptor", -1, fc.shape()[1]);
        return g.toBytes();
    }

    /** conv + bias, then face-api.js's scale layer {@code x * weights + biases}, folded into one convolution. */
    private static Fm scaledConv(TfLayers l, TfjsWeights w, String prefix, Fm x, int stride, Padding padding) throws PackException {
        Tensor filters = w.get(prefix + "/conv/filters");
        float[] bias = w.get(prefix + "/conv/bias").data();
        float[] sw = w.get(prefix + "/scale/weights").data();
        float[] sb = w.get(prefix + "/scale/biases").data();
        int cout = filters.shape()[3];
        float[] f = filters.data().clone();
        for (int i = 0; i < f.length; i++) {
            f[i] *= sw[i % cout];
        }
        float[] b = new float[cout];
        for (int o = 0; o < cout; o++) {
            b[o] = bias[o] * sw[o] + sb[o];
        }
        return l.conv(x, f, filters.shape(), b, stride, padding);
    }

    private static Fm residual(TfLayers l, TfjsWeights w, String k, Fm x) throws PackException {
        Fm out = l.relu(scaledConv(l, w, k + "/conv1", x, 1, Padding.SAME));
        out = scaledConv(l, w, k + "/conv2", out, 1, Padding.SAME);
        return l.relu(l.add(out, x));
    }

    private static Fm residualDown(TfLayers l, TfjsWeights w, String k, Fm x) throws PackException {
        Fm out = l.relu(scaledConv(l, w, k + "/conv1", x, 2, Padding.VALID));
        out = scaledConv(l, w, k + "/conv2", out, 1, Padding.SAME);
        Fm pooled = l.avgPool(x, 2, 2, Padding.VALID);
        if (pooled.h() != out.h() || pooled.w() != out.w()) {
            out = l.padBottomRight(out);
        }
        if (pooled.c() != out.c()) {
            pooled = l.padChannels(pooled, out.c());
        }
        return l.relu(l.add(pooled, out));
    }

    /**
     * faceLandmark68Net. Input {@code [N,3,112,112]} normalised as {@code (x - [122.782, 117.001, 104.298]) / 255};
     * output {@code landmarks [N,136]}: x0,y0,x1,y1,... relative (0..1) to the square input.
     */
    public static byte[] landmarkNet(TfjsWeights w) throws PackException {
        OnnxGraph g = new OnnxGraph("faceLandmark68Net", OPSET);
        TfLayers l = new TfLayers(g);
        g.input("input", -1, 3, 112, 112);
        Fm x = new Fm("input", 3, 112, 112);
        for (int i = 0; i < 4; i++) {
            x = denseBlock(l, w, "dense" + i, x, i == 0);
        }
        x = l.avgPool(x, 7, 2, Padding.VALID);
        String flat = g.node("Flatten", x.name(), OnnxGraph.Attr.i("axis", 1));
        Tensor fcW = w.get("fc/weights");
        String y = l.dense(flat, fcW.data(), fcW.shape()[0], fcW.shape()[1], w.get("fc/bias").data());
        g.nodeNamed("Identity", List.of(y), "landmarks");
        g.output("landmarks", -1, fcW.shape()[1]);
        return g.toBytes();
    }

    private static Fm separable(TfLayers l, TfjsWeights w, String p, Fm x, int stride) throws PackException {
        Tensor dw = w.get(p + "/depthwise_filter");
        Tensor pw = w.get(p + "/pointwise_filter");
        Fm d = l.depthwise(x, dw.data(), dw.shape(), null, stride, Padding.SAME);
        return l.conv(d, pw, w.get(p + "/bias").data(), 1, Padding.SAME);
    }

    private static Fm denseBlock(TfLayers l, TfjsWeights w, String p, Fm x, boolean first) throws PackException {
        Fm out1 = first
                ? l.relu(l.conv(x, w.get(p + "/conv0/filters"), w.get(p + "/conv0/bias").data(), 2, Padding.SAME))
                : l.relu(separable(l, w, p + "/conv0", x, 2));
        Fm out2 = separable(l, w, p + "/conv1", out1, 1);
        Fm out3 = separable(l, w, p + "/conv2", l.relu(l.add(out1, out2)), 1);
        Fm out4 = separable(l, w, p + "/conv3", l.relu(l.add(out1, l.add(out2, out3))), 1);
        return l.relu(l.add(out1, l.add(out2, l.add(out3, out4))));
    }

    /**
     * ssdMobilenetv1. Input {@code [N,3,512,512]} normalised as {@code x / 127.5 - 1}. Outputs, over the 5118
     * anchors: {@code boxes [N,5118,4]} = (ymin, xmin, ymax, xmax) relative to the padded square input, not
     * clipped; {@code scores [N,5118]} = sigmoid of the face logit; and the raw {@code box_encodings [N,5118,4]}
     * (ty, tx, th, tw) and {@code class_logits [N,5118,3]} for verification.
     */
    public static byte[] ssdMobilenetV1(TfjsWeights w) throws PackException {
        OnnxGraph g = new OnnxGraph("ssdMobilenetv1", OPSET);
        TfLayers l = new TfLayers(g);
        g.input("input", -1, 3, 512, 512);
        Fm x = new Fm("input", 3, 512, 512);
        x = ssdPointwise(l, w, "MobilenetV1/Conv2d_0_pointwise", x, 2);
        Fm conv11 = null;
        for (int i = 1; i <= 13; i++) {
            int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
            x = ssdDepthwise(l, w, "MobilenetV1/Conv2d_" + i + "_depthwise", x, stride);
            x = ssdPointwise(l, w, "MobilenetV1/Conv2d_" + i + "_pointwise", x, 1);
            if (i == 11) {
                conv11 = x;
            }
        }
        Fm[] c = new Fm[8];
        Fm prev = x;
        for (int i = 0; i <= 7; i++) {
            prev = ssdPointwise(l, w, "Prediction/Conv2d_" + i + "_pointwise", prev, i % 2 == 1 ? 2 : 1);
            c[i] = prev;
        }
        Fm[] feats = {conv11, x, c[1], c[3], c[5], c[7]};
        String[] enc = new String[6];
        String[] cls = new String[6];
        int anchors = 0;
        for (int i = 0; i < 6; i++) {
            String p = "Prediction/BoxPredictor_" + i;
            Fm e = l.conv(feats[i], w.get(p + "/BoxEncodingPredictor/weights"), w.get(p + "/BoxEncodingPredictor/biases").data(), 1, Padding.SAME);
            Fm k = l.conv(feats[i], w.get(p + "/ClassPredictor/weights"), w.get(p + "/ClassPredictor/biases").data(), 1, Padding.SAME);
            enc[i] = l.toRows(e, 4);
            cls[i] = l.toRows(k, 3);
            anchors += feats[i].h() * feats[i].w() * e.c() / 4;
        }
        String encodings = g.nodeNamed("Concat", List.of(enc), "box_encodings", OnnxGraph.Attr.i("axis", 1));
        String logits = g.nodeNamed("Concat", List.of(cls), "class_logits", OnnxGraph.Attr.i("axis", 1));

        Tensor anchorT = w.get("Output/extra_dim");
        if (anchorT.size() != anchors * 4) {
            throw new PackException("SSD anchors: weight Output/extra_dim has " + anchorT.size() / 4 + " anchors, the graph has " + anchors);
        }
        float[] a = anchorT.data();
        float[] size = new float[anchors * 2];
        float[] center = new float[anchors * 2];
        for (int i = 0; i < anchors; i++) {
            float h = a[i * 4 + 2] - a[i * 4];
            float wd = a[i * 4 + 3] - a[i * 4 + 1];
            size[i * 2] = h;
            size[i * 2 + 1] = wd;
            center[i * 2] = a[i * 4] + h / 2;
            center[i * 2 + 1] = a[i * 4 + 1] + wd / 2;
        }
        String sizeC = g.constant("anchor_size", size, anchors, 2);
        String centerC = g.constant("anchor_center", center, anchors, 2);
        String yx = g.node("Slice", List.of(encodings, g.constantInt64("s", 0), g.constantInt64("e", 2), g.constantInt64("ax", 2)));
        String hw = g.node("Slice", List.of(encodings, g.constantInt64("s", 2), g.constantInt64("e", 4), g.constantInt64("ax", 2)));
        String ctr = g.node("Add", List.of(g.node("Mul", List.of(g.node("Div", List.of(yx, g.constant("ten", new float[] {10f}))), sizeC)), centerC));
        String half = g.node("Div", List.of(
                g.node("Mul", List.of(g.node("Exp", g.node("Div", List.of(hw, g.constant("five", new float[] {5f})))), sizeC)),
                g.constant("two", new float[] {2f})));
        g.nodeNamed("Concat", List.of(g.node("Sub", List.of(ctr, half)), g.node("Add", List.of(ctr, half))), "boxes", OnnxGraph.Attr.i("axis", 2));
        String faceLogit = g.node("Slice", List.of(logits, g.constantInt64("s", 1), g.constantInt64("e", 2), g.constantInt64("ax", 2)));
        g.nodeNamed("Reshape", List.of(g.node("Sigmoid", faceLogit), g.constantInt64("shape", 0, -1)), "scores");
        g.output("boxes", -1, anchors, 4);
        g.output("scores", -1, anchors);
        g.output("box_encodings", -1, anchors, 4);
        g.output("class_logits", -1, anchors, 3);
        return g.toBytes();
    }

    /** conv ('same') + batch-norm offset, relu6 (face-api.js pointwiseConvLayer). */
    private static Fm ssdPointwise(TfLayers l, TfjsWeights w, String p, Fm x, int stride) throws PackException {
        return l.relu6(l.conv(x, w.get(p + "/weights"), w.get(p + "/convolution_bn_offset").data(), stride, Padding.SAME));
    }

    /** depthwise conv ('same') + batch norm (eps 1e-3, folded), relu6 (face-api.js depthwiseConvLayer). */
    private static Fm ssdDepthwise(TfLayers l, TfjsWeights w, String p, Fm x, int stride) throws PackException {
        Tensor f = w.get(p + "/depthwise_weights");
        float[] gamma = w.get(p + "/BatchNorm/gamma").data();
        float[] beta = w.get(p + "/BatchNorm/beta").data();
        float[] mean = w.get(p + "/BatchNorm/moving_mean").data();
        float[] var = w.get(p + "/BatchNorm/moving_variance").data();
        int c = f.shape()[2];
        float eps = 0.0010000000474974513f;
        float[] filt = f.data().clone();
        float[] bias = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float s = (float) (gamma[ch] / Math.sqrt(var[ch] + eps));
            bias[ch] = beta[ch] - mean[ch] * s;
            for (int k = ch; k < filt.length; k += c) {
                filt[k] *= s;
            }
        }
        return l.relu6(l.depthwise(x, filt, f.shape(), bias, stride, Padding.SAME));
    }
}
