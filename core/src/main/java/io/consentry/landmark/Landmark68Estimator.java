package io.consentry.landmark;

import io.consentry.geometry.Box;
import io.consentry.geometry.PixelRect;
import io.consentry.geometry.Point;
import io.consentry.image.RgbImage;
import io.consentry.onnx.FloatTensor;
import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.pack.InputSpec;
import io.consentry.tensor.ImageTensors;

import java.util.ArrayList;
import java.util.List;

/**
 * face-api.js's 68-point landmark net (iBUG 300-W point order: 0-16 jaw, 17-26 brows, 27-35 nose, 36-41 eye on the
 * image's left, 42-47 eye on the image's right, 48-67 mouth). Pre-processing as face-api.js: the face box clipped to
 * the image and floored, centred zero-pad to a square, bilinear resize to 112, {@code (x - mean) / 255}. Output points
 * are in image pixels. Runs all faces of an image in one batch. Thread-safe.
 */
public final class Landmark68Estimator implements AutoCloseable {
    private static final int SIZE = 112;
    private final OnnxModel model;
    private final InputSpec spec;

    /** Takes ownership of {@code model}. */
    public Landmark68Estimator(OnnxModel model, InputSpec spec) {
        this.model = model;
        this.spec = spec;
    }

    /** 68 points per box (empty list for a box that lies outside the image). */
    public List<List<Point>> estimate(RgbImage image, List<Box> boxes) throws OnnxModelException {
        List<PixelRect> crops = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            PixelRect r = boxes.get(i).clipAndFloor(image.width(), image.height());
            if (!r.isEmpty()) {
                crops.add(r);
                index.add(i);
            }
        }
        List<List<Point>> result = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            result.add(List.of());
        }
        if (crops.isEmpty()) {
            return result;
        }
        int plane = 3 * SIZE * SIZE;
        float[] input = new float[crops.size() * plane];
        for (int k = 0; k < crops.size(); k++) {
            ImageTensors.squareResize(image, crops.get(k), ImageTensors.Pad.CENTRED, SIZE, spec.scale(), spec.offset(), false, input, k * plane);
        }
        float[] raw = model.run(spec.name(), new FloatTensor(new long[] {crops.size(), 3, SIZE, SIZE}, input), "landmarks")
                .get("landmarks").data();
        for (int k = 0; k < crops.size(); k++) {
            Box det = boxes.get(index.get(k));
            PixelRect c = crops.get(k);
            // face-api.js postProcess: (raw * size - pad) / scaledDim, with pad = |w - h| * scale / 2 on the shorter side
            double s = (double) SIZE / Math.max(c.width(), c.height());
            double w = c.width() * s;
            double h = c.height() * s;
            double padX = w < h ? Math.abs(w - h) / 2 : 0;
            double padY = h < w ? Math.abs(w - h) / 2 : 0;
            List<Point> pts = new ArrayList<>(68);
            for (int p = 0; p < 68; p++) {
                double rx = (raw[k * 136 + 2 * p] * SIZE - padX) / w;
                double ry = (raw[k * 136 + 2 * p + 1] * SIZE - padY) / h;
                // relative to the crop, shifted by the unfloored detection box origin (as face-api.js does)
                pts.add(new Point(rx * c.width() + det.x(), ry * c.height() + det.y()));
            }
            result.set(index.get(k), List.copyOf(pts));
        }
        return result;
    }

    /** The five alignment points from 68: eye centres, nose tip (30), mouth corners (48, 54); image-left first. */
    public static List<Point> fivePoints(List<Point> pts68) {
        return List.of(Point.mean(pts68.subList(36, 42)), Point.mean(pts68.subList(42, 48)), pts68.get(30), pts68.get(48), pts68.get(54));
    }

    @Override
    public void close() {
        model.close();
    }
}
