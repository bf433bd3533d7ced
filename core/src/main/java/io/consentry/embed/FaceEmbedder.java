package io.consentry.embed;

import io.consentry.align.ChipTransform;
import io.consentry.geometry.Box;
import io.consentry.geometry.PixelRect;
import io.consentry.image.RgbImage;
import io.consentry.onnx.FloatTensor;
import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.pack.InputSpec;
import io.consentry.tensor.ImageTensors;

import java.util.ArrayList;
import java.util.List;

/**
 * face-api.js's recognition ResNet: an aligned face box, clipped and floored, centred zero-pad to a square, bilinear
 * resize to 150x150, {@code (x - [122.782, 117.001, 104.298]) / 255}; the 128-D output is L2-normalised.
 * All faces of an image go through the net in one batch. Thread-safe.
 */
public final class FaceEmbedder implements AutoCloseable {
    private static final int SIZE = 150;
    private final OnnxModel model;
    private final InputSpec spec;
    private final String modelId;

    /** Takes ownership of {@code model}; {@code modelId} is stamped on every descriptor. */
    public FaceEmbedder(OnnxModel model, InputSpec spec, String modelId) {
        this.model = model;
        this.spec = spec;
        this.modelId = modelId;
    }

    /** Side of the square input, in pixels. */
    public int inputSize() {
        return SIZE;
    }

    public String modelId() {
        return modelId;
    }

    /** One descriptor per aligned box; a box that lies entirely outside the image is an error. */
    public List<Embedding> embed(RgbImage image, List<Box> alignedBoxes) throws OnnxModelException {
        if (alignedBoxes.isEmpty()) {
            return List.of();
        }
        return embedTensor(prepare(image, alignedBoxes));
    }

    /** The net's input for {@code alignedBoxes} (crop, pad, resize, normalise): {@code [N,3,150,150]}. */
    public FloatTensor prepare(RgbImage image, List<Box> alignedBoxes) {
        int plane = 3 * SIZE * SIZE;
        float[] input = new float[alignedBoxes.size() * plane];
        for (int k = 0; k < alignedBoxes.size(); k++) {
            PixelRect r = alignedBoxes.get(k).clipAndFloor(image.width(), image.height());
            if (r.isEmpty()) {
                throw new IllegalArgumentException("face box lies outside the image");
            }
            ImageTensors.squareResize(image, r, ImageTensors.Pad.CENTRED, SIZE, spec.scale(), spec.offset(), false, input, k * plane);
        }
        return new FloatTensor(new long[] {alignedBoxes.size(), 3, SIZE, SIZE}, input);
    }

    /**
     * The net's input for transformed chips: each chip pixel is sampled bilinearly (zero outside the image) at the
     * image point its {@link ChipTransform} gives, then normalised as the net expects.
     */
    public FloatTensor prepareWarped(RgbImage image, List<ChipTransform> warps) {
        int plane = 3 * SIZE * SIZE;
        float[] input = new float[warps.size() * plane];
        float[] scale = spec.scale();
        float[] offset = spec.offset();
        byte[] rgb = image.rgb();
        int w = image.width();
        int h = image.height();
        for (int k = 0; k < warps.size(); k++) {
            ChipTransform t = warps.get(k);
            int base = k * plane;
            for (int v = 0; v < SIZE; v++) {
                for (int u = 0; u < SIZE; u++) {
                    double sx = t.a() * u - t.b() * v + t.tx();
                    double sy = t.b() * u + t.a() * v + t.ty();
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    double fx = sx - x0;
                    double fy = sy - y0;
                    int o = base + v * SIZE + u;
                    for (int c = 0; c < 3; c++) {
                        double tl = px(rgb, w, h, x0, y0, c);
                        double tr = px(rgb, w, h, x0 + 1, y0, c);
                        double bl = px(rgb, w, h, x0, y0 + 1, c);
                        double br = px(rgb, w, h, x0 + 1, y0 + 1, c);
                        double top = tl + (tr - tl) * fx;
                        double bottom = bl + (br - bl) * fx;
                        input[o + c * SIZE * SIZE] = (float) (top + (bottom - top) * fy) * scale[c] + offset[c];
                    }
                }
            }
        }
        return new FloatTensor(new long[] {warps.size(), 3, SIZE, SIZE}, input);
    }

    private static double px(byte[] rgb, int w, int h, int x, int y, int c) {
        if (x < 0 || y < 0 || x >= w || y >= h) {
            return 0;
        }
        return rgb[(y * w + x) * 3 + c] & 0xff;
    }

    /**
     * Horizontal-flip test-time augmentation: descriptors of the chips and of their mirror images, averaged and
     * re-normalised.
     */
    public List<Embedding> embedWithFlip(FloatTensor input) throws OnnxModelException {
        int n = (int) input.shape()[0];
        int plane = 3 * SIZE * SIZE;
        float[] both = new float[2 * n * plane];
        System.arraycopy(input.data(), 0, both, 0, n * plane);
        float[] src = input.data();
        for (int k = 0; k < n; k++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    int row = k * plane + c * SIZE * SIZE + y * SIZE;
                    int dst = n * plane + row;
                    for (int x = 0; x < SIZE; x++) {
                        both[dst + x] = src[row + SIZE - 1 - x];
                    }
                }
            }
        }
        List<Embedding> all = embedTensor(new FloatTensor(new long[] {2L * n, 3, SIZE, SIZE}, both));
        List<Embedding> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            float[] a = all.get(k).vector();
            float[] b = all.get(n + k).vector();
            float[] m = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                m[i] = a[i] + b[i];
            }
            out.add(new Embedding(modelId, Embedding.normalise(m)));
        }
        return out;
    }

    /** Descriptors for ready-made normalised inputs {@code [N,3,150,150]} (e.g. warped chips). */
    public List<Embedding> embedTensor(FloatTensor input) throws OnnxModelException {
        float[] raw = model.run(spec.name(), input, "descriptor").get("descriptor").data();
        int n = (int) input.shape()[0];
        int dim = raw.length / n;
        List<Embedding> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            float[] v = new float[dim];
            System.arraycopy(raw, k * dim, v, 0, dim);
            out.add(new Embedding(modelId, Embedding.normalise(v)));
        }
        return out;
    }

    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public void close() {
        model.close();
    }
}
