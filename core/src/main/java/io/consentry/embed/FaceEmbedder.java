package io.consentry.embed;

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
