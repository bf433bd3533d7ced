package io.consentry.engine;

import io.consentry.geometry.Box;
import io.consentry.geometry.Point;

import java.util.List;

/**
 * A detected face with its landmarks, all in image pixels.
 *
 * @param box         detector box (x, y = top-left; width, height)
 * @param score       detector confidence in [0, 1]
 * @param landmarks5  eye on the image's left, eye on the image's right, nose tip, mouth corners (image-left first)
 * @param landmarks68 the 68 iBUG points from the landmark net (empty if not computed)
 */
public record Face(Box box, double score, List<Point> landmarks5, List<Point> landmarks68) {
    public Face {
        landmarks5 = List.copyOf(landmarks5);
        landmarks68 = List.copyOf(landmarks68);
    }
}
