package io.consentry.align;

import io.consentry.geometry.Point;

import java.util.List;

/**
 * A similarity transform from chip pixels to image pixels: chip pixel (u, v) of an S x S chip samples the image at
 * {@code x = a*u - b*v + tx, y = b*u + a*v + ty} (scale {@code hypot(a, b)}, rotation {@code atan2(b, a)}).
 */
public record ChipTransform(double a, double b, double tx, double ty) {

    /** Image point sampled for chip pixel (u, v). */
    public Point apply(double u, double v) {
        return new Point(a * u - b * v + tx, b * u + a * v + ty);
    }

    /**
     * {@link Alignment#ROLL_CORRECTED}: the eyes of the 68 landmarks levelled about the centre of points 36-67, then
     * face-api.js's box (side = floor(eye-to-mouth / 0.45)) in the levelled frame, for a {@code size}-pixel chip.
     */
    public static ChipTransform rollCorrected(List<Point> landmarks68, int size) {
        Point leftEye = Point.mean(landmarks68.subList(36, 42));
        Point rightEye = Point.mean(landmarks68.subList(42, 48));
        double angle = Math.atan2(rightEye.y() - leftEye.y(), rightEye.x() - leftEye.x());
        Point c = Point.mean(landmarks68.subList(36, 68));
        double cos = Math.cos(-angle);
        double sin = Math.sin(-angle);
        List<Point> level = landmarks68.stream().map(p -> new Point(
                c.x() + cos * (p.x() - c.x()) - sin * (p.y() - c.y()),
                c.y() + sin * (p.x() - c.x()) + cos * (p.y() - c.y()))).toList();
        Point le = Point.mean(level.subList(36, 42));
        Point re = Point.mean(level.subList(42, 48));
        Point mouth = Point.mean(level.subList(48, 68));
        double side = Math.floor((mouth.distance(le) + mouth.distance(re)) / 2 / 0.45);
        Point ref = Point.mean(List.of(le, re, mouth));
        double x0 = Math.floor(ref.x() - 0.5 * side);
        double y0 = Math.floor(ref.y() - 0.43 * side);
        // image = c + R(angle) * ((x0, y0) + step * (u, v) - c)
        double step = side / size;
        double ca = Math.cos(angle);
        double sa = Math.sin(angle);
        double dx = x0 - c.x();
        double dy = y0 - c.y();
        return new ChipTransform(step * ca, step * sa, c.x() + ca * dx - sa * dy, c.y() + sa * dx + ca * dy);
    }

    /**
     * {@link Alignment#CHIP_68}: the least-squares similarity transform taking points 17-67 to the {@link ChipTemplate}
     * placed in a {@code size}-pixel chip with {@code padding} (fraction of the template's extent added on every side;
     * 0.25 gives the usual 150-pixel face chip).
     */
    public static ChipTransform chip68(List<Point> landmarks68, int size, double padding) {
        int n = ChipTemplate.X.length;
        double[] u = new double[n];
        double[] v = new double[n];
        double mu = 0;
        double mv = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            u[i] = (padding + ChipTemplate.X[i]) / (2 * padding + 1) * size;
            v[i] = (padding + ChipTemplate.Y[i]) / (2 * padding + 1) * size;
            mu += u[i] / n;
            mv += v[i] / n;
            mx += landmarks68.get(17 + i).x() / n;
            my += landmarks68.get(17 + i).y() / n;
        }
        // least squares for image = [a -b; b a] (chip) + t, on centred coordinates
        double num1 = 0;
        double num2 = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double cu = u[i] - mu;
            double cv = v[i] - mv;
            double px = landmarks68.get(17 + i).x() - mx;
            double py = landmarks68.get(17 + i).y() - my;
            num1 += cu * px + cv * py;
            num2 += cu * py - cv * px;
            den += cu * cu + cv * cv;
        }
        double a = num1 / den;
        double b = num2 / den;
        return new ChipTransform(a, b, mx - (a * mu - b * mv), my - (b * mu + a * mv));
    }
}
