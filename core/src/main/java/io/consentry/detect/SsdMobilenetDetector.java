package io.consentry.detect;

import io.consentry.geometry.Box;
import io.consentry.geometry.PixelRect;
import io.consentry.image.RgbImage;
import io.consentry.onnx.FloatTensor;
import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.pack.InputSpec;
import io.consentry.pack.ModelAdapters;
import io.consentry.tensor.ImageTensors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * face-api.js's SSD MobileNet V1 face detector over a converted ONNX graph. Pre-processing: zero-pad the image to a
 * square at the bottom/right, bilinear-resize to 512x512, {@code x / 127.5 - 1}. Post-processing: face-api.js's
 * greedy NMS (IoU 0.5), boxes clamped to [0,1] and scaled back through the padding. Thread-safe.
 */
public final class SsdMobilenetDetector implements FaceDetector {
    /** face-api.js's NMS IoU threshold. */
    public static final double NMS_IOU = 0.5;
    private static final int SIZE = 512;
    /** face-api.js's minConfidence default. */
    public static final double DEFAULT_MIN_SCORE = 0.5;
    /** The input the face-api.js pack declares ({@code x / 127.5 - 1}, RGB, NCHW 512x512). */
    public static final InputSpec DEFAULT_INPUT = new InputSpec("input", List.of(-1L, 3L, 512L, 512L), "NCHW", "RGB",
            List.of(0.0, 255.0), List.of(127.5, 127.5, 127.5), List.of(127.5, 127.5, 127.5), "pad bottom-right, bilinear 512");

    private final OnnxModel model;
    private final InputSpec spec;

    /** Takes ownership of {@code model}. */
    public SsdMobilenetDetector(OnnxModel model, InputSpec spec) {
        this.model = model;
        this.spec = spec;
    }

    @Override
    public String adapter() {
        return ModelAdapters.FACEAPI_SSD;
    }

    @Override
    public List<Detection> detect(RgbImage image, double minScore, int maxFaces) throws OnnxModelException {
        float[] input = new float[3 * SIZE * SIZE];
        ImageTensors.squareResize(image, new PixelRect(0, 0, image.width(), image.height()), ImageTensors.Pad.BOTTOM_RIGHT,
                SIZE, spec.scale(), spec.offset(), false, input, 0);
        Map<String, FloatTensor> out = model.run(spec.name(), new FloatTensor(new long[] {1, 3, SIZE, SIZE}, input), "boxes", "scores");
        float[] boxes = out.get("boxes").data();
        float[] scores = out.get("scores").data();
        List<Integer> keep = nonMaxSuppression(boxes, scores, Math.min(maxFaces, scores.length), NMS_IOU, minScore);

        // face-api.js: padX = inputSize / round(width * inputSize / max(w, h)), relative box -> * image size
        double s = (double) SIZE / Math.max(image.width(), image.height());
        double padX = SIZE / (double) Math.round(image.width() * s);
        double padY = SIZE / (double) Math.round(image.height() * s);
        List<Detection> result = new ArrayList<>(keep.size());
        for (int idx : keep) {
            double top = Math.max(0, boxes[idx * 4]) * padY;
            double bottom = Math.min(1.0, boxes[idx * 4 + 2]) * padY;
            double left = Math.max(0, boxes[idx * 4 + 1]) * padX;
            double right = Math.min(1.0, boxes[idx * 4 + 3]) * padX;
            Box box = new Box(left * image.width(), top * image.height(), (right - left) * image.width(), (bottom - top) * image.height());
            result.add(new Detection(box, scores[idx], List.of()));
        }
        return result;
    }

    /** face-api.js's greedy NMS: candidates above {@code minScore} by falling score; suppress at IoU &gt; {@code iou}. */
    static List<Integer> nonMaxSuppression(float[] boxes, float[] scores, int maxOut, double iou, double minScore) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > minScore) {
                candidates.add(i);
            }
        }
        candidates.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<Integer> selected = new ArrayList<>();
        for (int c : candidates) {
            if (selected.size() >= maxOut) {
                break;
            }
            boolean suppressed = false;
            for (int j = selected.size() - 1; j >= 0; j--) {
                if (iou(boxes, c, selected.get(j)) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                selected.add(c);
            }
        }
        return selected;
    }

    private static double iou(float[] b, int i, int j) {
        double yminI = Math.min(b[i * 4], b[i * 4 + 2]);
        double xminI = Math.min(b[i * 4 + 1], b[i * 4 + 3]);
        double ymaxI = Math.max(b[i * 4], b[i * 4 + 2]);
        double xmaxI = Math.max(b[i * 4 + 1], b[i * 4 + 3]);
        double yminJ = Math.min(b[j * 4], b[j * 4 + 2]);
        double xminJ = Math.min(b[j * 4 + 1], b[j * 4 + 3]);
        double ymaxJ = Math.max(b[j * 4], b[j * 4 + 2]);
        double xmaxJ = Math.max(b[j * 4 + 1], b[j * 4 + 3]);
        double areaI = (ymaxI - yminI) * (xmaxI - xminI);
        double areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
        if (areaI <= 0 || areaJ <= 0) {
            return 0;
        }
        double ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0);
        double iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
        double inter = ih * iw;
        return inter / (areaI + areaJ - inter);
    }

    @Override
    public void close() {
        model.close();
    }
}
