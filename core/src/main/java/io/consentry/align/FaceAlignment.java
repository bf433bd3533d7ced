package io.consentry.align;

import io.consentry.geometry.Box;
import io.consentry.geometry.Point;

import java.util.List;

/** How a face is cut out of the image for the descriptor net. */
public final class FaceAlignment {
    private FaceAlignment() {
    }

    /**
     * face-api.js's "useDlibAlignment" box from 68 landmarks (in image pixels): centres of the two eyes and the
     * mouth; side = floor(mean eye-to-mouth distance / 0.45); top-left at (centre.x - 0.5 side, centre.y - 0.43 side),
     * floored and clamped at 0. No rotation. (face-api.js also caps the side by the landmark crop's size plus the
     * offset, which only matters for faces cut by the image border; we do not.)
     */
    public static Box faceApiBox(List<Point> landmarks68) {
        Point leftEye = Point.mean(landmarks68.subList(36, 42));
        Point rightEye = Point.mean(landmarks68.subList(42, 48));
        Point mouth = Point.mean(landmarks68.subList(48, 68));
        double eyeToMouth = (mouth.distance(leftEye) + mouth.distance(rightEye)) / 2;
        double size = Math.floor(eyeToMouth / 0.45);
        Point ref = Point.mean(List.of(leftEye, rightEye, mouth));
        double x = Math.floor(Math.max(0, ref.x() - 0.5 * size));
        double y = Math.floor(Math.max(0, ref.y() - 0.43 * size));
        return new Box(x, y, size, size);
    }
}
