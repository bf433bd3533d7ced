package io.consentry.tools;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.geometry.Point;
import io.consentry.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Derives the chip template of {@code io.consentry.align.ChipTemplate}: the generalised-Procrustes mean of landmark
 * points 17-67 (brows, nose, eyes, mouth) over the faces our own pipeline finds in a folder of photos, scaled so the
 * points span [0, 1] horizontally, with the top-most point at y = 0.
 *
 * <p>Run: {@code java -cp core/target/classes:core/target/test-classes:DEPS io.consentry.tools.MeanShapeTool PACK_DIR IMAGE_DIR}
 * (the committed template comes from ../shared/datasets/wider-face-val-subset/images, faces at least 100 px high
 * with score >= 0.9).
 */
public final class MeanShapeTool {
    private MeanShapeTool() {
    }

    public static void main(String[] args) throws Exception {
        Path pack = Path.of(args[0]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of(args[1]))) {
            files = s.filter(p -> p.toString().toLowerCase().endsWith(".jpg")).sorted().toList();
        }
        List<double[]> shapes = new ArrayList<>();
        try (FaceEngine engine = FaceEngine.open(EngineOptions.builder().optPackDir(pack).optMaxFaces(1000).build())) {
            for (Path f : files) {
                RgbImage img = engine.load(f);
                for (Face face : engine.detect(img)) {
                    if (face.score() >= 0.9 && face.box().height() >= 100 && face.landmarks68().size() == 68) {
                        double[] s = new double[102];
                        for (int i = 17; i < 68; i++) {
                            Point p = face.landmarks68().get(i);
                            s[2 * (i - 17)] = p.x();
                            s[2 * (i - 17) + 1] = p.y();
                        }
                        shapes.add(normalise(s));
                    }
                }
            }
        }
        double[] mean = shapes.get(0).clone();
        for (int iter = 0; iter < 10; iter++) {
            double[] sum = new double[102];
            for (double[] s : shapes) {
                double[] a = align(s, mean);
                for (int i = 0; i < 102; i++) {
                    sum[i] += a[i];
                }
            }
            for (int i = 0; i < 102; i++) {
                sum[i] /= shapes.size();
            }
            mean = normalise(sum);
        }
        mean = symmetric(level(mean));
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        for (int i = 0; i < 51; i++) {
            minX = Math.min(minX, mean[2 * i]);
            maxX = Math.max(maxX, mean[2 * i]);
            minY = Math.min(minY, mean[2 * i + 1]);
        }
        StringBuilder xs = new StringBuilder();
        StringBuilder ys = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            xs.append(String.format("%.5f, ", (mean[2 * i] - minX) / (maxX - minX)));
            ys.append(String.format("%.5f, ", (mean[2 * i + 1] - minY) / (maxX - minX)));
        }
        System.out.println("faces: " + shapes.size());
        System.out.println("X = {" + xs + "}");
        System.out.println("Y = {" + ys + "}");
    }

    /** iBUG mirror partner of each of points 17..67 (index i-17). */
    static final int[] MIRROR = {26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 27, 28, 29, 30, 35, 34, 33, 32, 31,
        45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40, 54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65};

    /** Rotated so that the eye centres (points 36-41, 42-47) lie on a horizontal line. */
    static double[] level(double[] m) {
        double lx = 0;
        double ly = 0;
        double rx = 0;
        double ry = 0;
        for (int i = 36; i < 42; i++) {
            lx += m[2 * (i - 17)] / 6;
            ly += m[2 * (i - 17) + 1] / 6;
            rx += m[2 * (i + 6 - 17)] / 6;
            ry += m[2 * (i + 6 - 17) + 1] / 6;
        }
        double t = -Math.atan2(ry - ly, rx - lx);
        double[] o = new double[m.length];
        for (int i = 0; i < m.length / 2; i++) {
            o[2 * i] = Math.cos(t) * m[2 * i] - Math.sin(t) * m[2 * i + 1];
            o[2 * i + 1] = Math.sin(t) * m[2 * i] + Math.cos(t) * m[2 * i + 1];
        }
        return o;
    }

    /** The average of a levelled, centred shape and its mirror image (a frontal template). */
    static double[] symmetric(double[] m) {
        double[] o = new double[m.length];
        for (int i = 0; i < 51; i++) {
            int j = MIRROR[i] - 17;
            o[2 * i] = (m[2 * i] - m[2 * j]) / 2;
            o[2 * i + 1] = (m[2 * i + 1] + m[2 * j + 1]) / 2;
        }
        return o;
    }

    /** Centred at the origin, unit RMS radius. */
    static double[] normalise(double[] s) {
        double cx = 0;
        double cy = 0;
        int n = s.length / 2;
        for (int i = 0; i < n; i++) {
            cx += s[2 * i];
            cy += s[2 * i + 1];
        }
        cx /= n;
        cy /= n;
        double r = 0;
        double[] o = new double[s.length];
        for (int i = 0; i < n; i++) {
            o[2 * i] = s[2 * i] - cx;
            o[2 * i + 1] = s[2 * i + 1] - cy;
            r += o[2 * i] * o[2 * i] + o[2 * i + 1] * o[2 * i + 1];
        }
        r = Math.sqrt(r / n);
        for (int i = 0; i < o.length; i++) {
            o[i] /= r;
        }
        return o;
    }

    /** Rotates and scales centred shape {@code s} onto centred {@code ref} (least squares). */
    static double[] align(double[] s, double[] ref) {
        double num1 = 0;
        double num2 = 0;
        double den = 0;
        int n = s.length / 2;
        for (int i = 0; i < n; i++) {
            double sx = s[2 * i];
            double sy = s[2 * i + 1];
            double rx = ref[2 * i];
            double ry = ref[2 * i + 1];
            num1 += sx * rx + sy * ry;
            num2 += sx * ry - sy * rx;
            den += sx * sx + sy * sy;
        }
        double a = num1 / den;
        double b = num2 / den;
        double[] o = new double[s.length];
        for (int i = 0; i < n; i++) {
            o[2 * i] = a * s[2 * i] - b * s[2 * i + 1];
            o[2 * i + 1] = b * s[2 * i] + a * s[2 * i + 1];
        }
        return o;
    }
}
