package io.consentry.track;

import io.consentry.detect.Detection;
import io.consentry.embed.Embedding;
import io.consentry.geometry.Box;

import java.util.Objects;
import java.util.Optional;

/**
 * One detected face handed to {@link FaceTracker#update}.
 *
 * <pre>{@code
 * List<TrackInput> inputs = detections.stream().map(TrackInput::of).toList();
 * }</pre>
 *
 * @param box        face box in image pixels ({@code x, y} = top-left corner); width and height must be positive
 * @param score      detector confidence (carried along, not used for matching); finite
 * @param descriptor optional appearance descriptor: L2-normalised (unit length within 1e-3), the same length for
 *                   every input of one tracker, and from one model (see {@link Embedding}). The tracker reads it
 *                   during the call and keeps no reference
 */
public record TrackInput(Box box, double score, Optional<float[]> descriptor) {
    public TrackInput {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(descriptor, "descriptor");
        if (!(Double.isFinite(box.x()) && Double.isFinite(box.y()) && box.width() > 0 && box.height() > 0
                && Double.isFinite(box.width()) && Double.isFinite(box.height()))) {
            throw new IllegalArgumentException("box must be finite with positive width and height, was " + box);
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite, was " + score);
        }
        descriptor.ifPresent(TrackInput::checkUnit);
    }

    /** A box without a descriptor. */
    public static TrackInput of(Box box, double score) {
        return new TrackInput(box, score, Optional.empty());
    }

    /** A box with an L2-normalised descriptor. */
    public static TrackInput of(Box box, double score, float[] descriptor) {
        return new TrackInput(box, score, Optional.of(descriptor));
    }

    /** A detector result without a descriptor. */
    public static TrackInput of(Detection detection) {
        return of(detection.box(), detection.score());
    }

    /** A detector result with the embedding of its face. */
    public static TrackInput of(Detection detection, Embedding embedding) {
        return of(detection.box(), detection.score(), embedding.vector());
    }

    private static void checkUnit(float[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("descriptor must not be empty");
        }
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        if (!(Math.abs(n - 1) <= 1e-3)) {
            throw new IllegalArgumentException("descriptor must be L2-normalised, squared norm was " + n);
        }
    }
}
