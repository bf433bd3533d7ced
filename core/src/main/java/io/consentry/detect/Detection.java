package io.consentry.detect;

import io.consentry.geometry.Box;
import io.consentry.geometry.Point;

import java.util.List;

/**
 * One face found by a detector.
 *
 * @param box        face box in image pixels
 * @param score      detector confidence in [0, 1]
 * @param landmarks5 five points when the detector predicts them (YuNet), else empty. Order: eye on the image's
 *                   left, eye on the image's right, nose tip, mouth corner on the image's left, on the right
 */
public record Detection(Box box, double score, List<Point> landmarks5) {
    public Detection {
        landmarks5 = List.copyOf(landmarks5);
    }
}
