package io.consentry.detect;

import io.consentry.geometry.Box;
import io.consentry.geometry.Point;
import io.consentry.image.RgbImage;
import io.consentry.onnx.FloatTensor;
import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.onnx.TensorInfo;
import io.consentry.pack.ModelAdapters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * YuNet (OpenCV model zoo, {@code face_detection_yunet_2023mar} layout) over ONNX Runtime.
 *
 * <p><b>Pre-processing.</b> When the image's longer side exceeds {@code maxSide} it is bilinearly downscaled
 * (aspect ratio kept, half-pixel centres as OpenCV's {@code INTER_LINEAR}) so that the longer side is
 * {@code maxSide}; smaller images are used at their own size, never upscaled. YuNet is trained for faces of about
 * 10 to 300 px (OpenCV zoo), so downscaling keeps large faces in range while enlarging a small image would cost
 * time without finding smaller faces; cost grows with the input area (about 15-30 ms per 640 px frame on two
 * cores, 5 ms at 320). The
 * (possibly resized) image is then zero-padded at the bottom/right to multiples of 32 (YuNet's largest stride; a
 * tiny image becomes at least 32x32). Input tensor: float32 {@code [1, 3, H, W]}, channels B,G,R, values 0..255,
 * no normalisation.
 *
 * <p><b>Post-processing</b> (as OpenCV's {@code FaceDetectorYN}): for stride s in 8, 16, 32 and cell (row r,
 * column c), score = sqrt(clamp01(cls) * clamp01(obj)); box centre ((c + bbox[0]) s, (r + bbox[1]) s), size
 * (exp(bbox[2]) s, exp(bbox[3]) s); landmark k at ((c + kps[2k]) s, (r + kps[2k+1]) s). Candidates with score
 * {@code >= minScore} go through greedy NMS (a box is dropped when its IoU with a kept, better one exceeds
 * {@link #NMS_IOU}), best first, at most {@code maxFaces}.
 *
 * <p><b>Output.</b> {@link Detection#box()} is {@code [x, y, width, height]} in pixels of the original image
 * (x right, y down, origin top-left corner); it is not clipped, so a face cut by the image border may give a box
 * reaching outside the image (clip with {@link Box#clipAndFloor}). {@link Detection#score()} is in [0, 1].
 * {@link Detection#landmarks5()} are five points in the same pixel coordinates, in YuNet's own order, which is
 * {@link Detection}'s: eye on the image's left (the subject's right eye), eye on the image's right, nose tip,
 * mouth corner on the image's left, mouth corner on the image's right.
 *
 * <p><b>Score threshold.</b> OpenCV defaults to 0.9, which favours precision. Measured on face-api.js's six demo
 * photos (1920 px wide, the 22 faces face-api.js's SSD MobileNet V1 finds), at {@code maxSide} 640: the 22 faces
 * score 0.865 to 0.936, so 0.9 would already lose 4 of them; every other candidate scores 0.15 or less except one
 * defocused background object at 0.73 (0.79 at 960). At {@code maxSide} 320 faces score 0.79 to 0.92 and clutter up to 0.44; at
 * 960 faces score 0.75 to 0.95. {@link #DEFAULT_MIN_SCORE} = 0.6 sits in that gap with margin both ways, favouring
 * recall (profile, blurred or small faces score lower than these frontal portraits); expect an occasional false
 * positive such as the 0.73 one. Use 0.9 for OpenCV's precision-first behaviour.
 *
 * <p>Thread-safe: no mutable state; {@link #detect} may run concurrently (the ONNX session is thread-safe).
 * Owns the model and closes it in {@link #close}.
 */
public final class YunetDetector implements FaceDetector {
    /** Default longest side in pixels of the network input (before padding to multiples of 32). */
    public static final int DEFAULT_MAX_SIDE = 640;
    /** Recommended minimum score (recall-oriented; OpenCV's default is 0.9). See the class comment. */
    public static final double DEFAULT_MIN_SCORE = 0.6;
    /** NMS IoU threshold, as OpenCV's FaceDetectorYN. */
    public static final double NMS_IOU = 0.3;
    /** Feature-map strides of the 2023mar layout; the input must be a multiple of the largest. */
    private static final int[] STRIDES = {8, 16, 32};
    private static final int ALIGN = 32;
    private static final List<String> OUTPUTS = outputNames();

    private final OnnxModel model;
    private final int maxSide;
    private final String inputName;
    private final String mismatch;

    /** Takes ownership of {@code model}; images are downscaled to at most {@link #DEFAULT_MAX_SIDE} px. */
    public YunetDetector(OnnxModel model) {
        this(model, DEFAULT_MAX_SIDE);
    }

    /**
     * Takes ownership of {@code model}.
     *
     * @param maxSide longest side in pixels the image is downscaled to (at least 32); never upscaled
     */
    public YunetDetector(OnnxModel model, int maxSide) {
        if (maxSide < ALIGN) {
            throw new IllegalArgumentException("maxSide must be at least " + ALIGN + ", got " + maxSide);
        }
        this.model = model;
        this.maxSide = maxSide;
        this.inputName = model.inputs().isEmpty() ? "input" : model.inputs().get(0).name();
        this.mismatch = layoutMismatch(model).orElse(null);
    }

    private static List<String> outputNames() {
        List<String> names = new ArrayList<>();
        for (String kind : new String[] {"cls", "obj", "bbox", "kps"}) {
            for (int s : STRIDES) {
                names.add(kind + "_" + s);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Empty when {@code model} has YuNet's layout: one 4-D float input and outputs {@code cls_8/16/32},
     * {@code obj_*}, {@code bbox_*}, {@code kps_*}; otherwise one line saying what is missing and what was found.
     */
    public static Optional<String> layoutMismatch(OnnxModel model) {
        List<String> problems = new ArrayList<>();
        List<TensorInfo> in = model.inputs();
        if (in.size() != 1 || in.get(0).shape().length != 4 || !"float".equals(in.get(0).type())) {
            problems.add("expected one 4-D float input, found " + in);
        }
        Set<String> found = new TreeSet<>();
        for (TensorInfo t : model.outputs()) {
            found.add(t.name());
        }
        List<String> missing = new ArrayList<>();
        for (String n : OUTPUTS) {
            if (!found.contains(n)) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("missing outputs " + String.join(", ", missing) + " (found " + (found.isEmpty() ? "none" : String.join(", ", found)) + ")");
        }
        return problems.isEmpty() ? Optional.empty()
                : Optional.of("not a YuNet model (" + model.file().getFileName() + "): " + String.join("; ", problems));
    }

    @Override
    public String adapter() {
        return ModelAdapters.YUNET;
    }

    public int maxSide() {
        return maxSide;
    }

    @Override
    public List<Detection> detect(RgbImage image, double minScore, int maxFaces) throws OnnxModelException {
        if (mismatch != null) {
            throw new OnnxModelException(mismatch);
        }
        if (maxFaces <= 0) {
            return List.of();
        }
        int w = image.width();
        int h = image.height();
        double scale = Math.min(1.0, (double) maxSide / Math.max(w, h));
        int rw = scale < 1 ? Math.max(1, (int) Math.round(w * scale)) : w;
        int rh = scale < 1 ? Math.max(1, (int) Math.round(h * scale)) : h;
        int pw = (rw + ALIGN - 1) / ALIGN * ALIGN;
        int ph = (rh + ALIGN - 1) / ALIGN * ALIGN;
        float[] input = new float[3 * pw * ph];
        toBgrPlanes(image, rw, rh, pw, ph, input);

        Map<String, FloatTensor> out = model.run(inputName, new FloatTensor(new long[] {1, 3, ph, pw}, input),
                OUTPUTS.toArray(new String[0]));

        // network pixels -> original pixels, per axis (exact ratio of the resized size, not the nominal scale)
        double sx = (double) w / rw;
        double sy = (double) h / rh;
        List<Candidate> candidates = new ArrayList<>();
        for (int s : STRIDES) {
            int cols = pw / s;
            int rows = ph / s;
            int n = cols * rows;
            float[] cls = data(out, "cls_" + s, n, 1);
            float[] obj = data(out, "obj_" + s, n, 1);
            float[] bbox = data(out, "bbox_" + s, n, 4);
            float[] kps = data(out, "kps_" + s, n, 10);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int idx = r * cols + c;
                    double score = Math.sqrt(clamp01(cls[idx]) * clamp01(obj[idx]));
                    if (score < minScore) {
                        continue;
                    }
                    double cx = (c + bbox[idx * 4]) * s;
                    double cy = (r + bbox[idx * 4 + 1]) * s;
                    double bw = Math.exp(bbox[idx * 4 + 2]) * s;
                    double bh = Math.exp(bbox[idx * 4 + 3]) * s;
                    Box box = new Box((cx - bw / 2) * sx, (cy - bh / 2) * sy, bw * sx, bh * sy);
                    List<Point> marks = new ArrayList<>(5);
                    for (int k = 0; k < 5; k++) {
                        marks.add(new Point((c + kps[idx * 10 + 2 * k]) * s * sx, (r + kps[idx * 10 + 2 * k + 1]) * s * sy));
                    }
                    candidates.add(new Candidate(box, score, marks));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Candidate cand : candidates) {
            if (kept.size() >= maxFaces) {
                break;
            }
            boolean suppressed = false;
            for (Detection d : kept) {
                if (d.box().iou(cand.box) > NMS_IOU) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(new Detection(cand.box, cand.score, cand.landmarks));
            }
        }
        return kept;
    }

    private record Candidate(Box box, double score, List<Point> landmarks) {
    }

    private static double clamp01(float v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    private float[] data(Map<String, FloatTensor> out, String name, int anchors, int perAnchor) throws OnnxModelException {
        FloatTensor t = out.get(name);
        if (t == null || t.data().length != anchors * perAnchor) {
            throw new OnnxModelException(model.file().getFileName() + ": output " + name + " has "
                    + (t == null ? "no values" : t.data().length + " values") + ", expected " + anchors + " x " + perAnchor);
        }
        return t.data();
    }

    /**
     * Writes the image, bilinearly resized to {@code rw x rh} (half-pixel centres, edge-clamped), into the top-left
     * of three zeroed {@code pw x ph} planes in B,G,R order, values 0..255.
     */
    static void toBgrPlanes(RgbImage img, int rw, int rh, int pw, int ph, float[] dst) {
        int w = img.width();
        int h = img.height();
        byte[] rgb = img.rgb();
        int plane = pw * ph;
        int b = 0;
        int g = plane;
        int r = 2 * plane;
        if (rw == w && rh == h) {
            for (int y = 0; y < h; y++) {
                int si = y * w * 3;
                int di = y * pw;
                for (int x = 0; x < w; x++, si += 3, di++) {
                    dst[r + di] = rgb[si] & 0xff;
                    dst[g + di] = rgb[si + 1] & 0xff;
                    dst[b + di] = rgb[si + 2] & 0xff;
                }
            }
            return;
        }
        // column taps: byte offsets of the two neighbours and the weight of the right one
        int[] xa = new int[rw];
        int[] xb = new int[rw];
        float[] fx = new float[rw];
        double ratioX = (double) w / rw;
        for (int x = 0; x < rw; x++) {
            double src = Math.min(Math.max((x + 0.5) * ratioX - 0.5, 0), w - 1);
            int x0 = (int) src;
            int x1 = Math.min(x0 + 1, w - 1);
            xa[x] = x0 * 3;
            xb[x] = x1 * 3;
            fx[x] = (float) (src - x0);
        }
        double ratioY = (double) h / rh;
        int stride = w * 3;
        for (int y = 0; y < rh; y++) {
            double src = Math.min(Math.max((y + 0.5) * ratioY - 0.5, 0), h - 1);
            int y0 = (int) src;
            int y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (src - y0);
            int row0 = y0 * stride;
            int row1 = y1 * stride;
            int di = y * pw;
            for (int x = 0; x < rw; x++, di++) {
                float wx = fx[x];
                int a0 = row0 + xa[x];
                int b0 = row0 + xb[x];
                int a1 = row1 + xa[x];
                int b1 = row1 + xb[x];
                for (int ch = 0; ch < 3; ch++) {
                    float top = (rgb[a0 + ch] & 0xff) + ((rgb[b0 + ch] & 0xff) - (rgb[a0 + ch] & 0xff)) * wx;
                    float bottom = (rgb[a1 + ch] & 0xff) + ((rgb[b1 + ch] & 0xff) - (rgb[a1 + ch] & 0xff)) * wx;
                    // ch 0 = R -> plane 2, 1 = G -> plane 1, 2 = B -> plane 0
                    dst[(2 - ch) * plane + di] = top + (bottom - top) * fy;
                }
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
