package io.consentry.align;

import io.consentry.geometry.Point;

import java.util.List;

/**
 * Where a square face chip comes from: chip pixel (u, v) of an S x S chip maps to the point
 * {@code (x0 + u * side / S, y0 + v * side / S)} of a frame rotated by {@code angle} radians about {@code centre},
 * i.e. to image point {@code centre + R(angle) * (p - centre)}.
 */
public record ChipWarp(double x0, double y0, double side, Point centre, double angle) {

    /** {@link Alignment#ROLL_CORRECTED}: level the eyes of the 68 landmarks, then take face-api.js's box. */
    public static ChipWarp rollCorrected(List<Point> landmarks68) {
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
        double size = Math.floor((mouth.distance(le) + mouth.distance(re)) / 2 / 0.45);
        Point ref = Point.mean(List.of(le, re, mouth));
        return new ChipWarp(Math.floor(ref.x() - 0.5 * size), Math.floor(ref.y() - 0.43 * size), size, c, angle);
    }
}
