package io.consentry.governance;

import io.consentry.geometry.Box;

import java.util.Objects;

/**
 * A face found by {@link GalleryService#detect}: where and how sure, nothing else (no attribute, emotion or
 * demographic inference exists anywhere in Consentry).
 *
 * @param box   face box in image pixels (x, y = top-left)
 * @param score detector confidence in [0, 1]
 */
public record DetectedFace(Box box, double score) {
    public DetectedFace {
        Objects.requireNonNull(box, "box");
    }
}
