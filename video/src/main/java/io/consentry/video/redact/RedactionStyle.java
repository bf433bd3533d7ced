package io.consentry.video.redact;

import java.util.Locale;
import java.util.Objects;

/**
 * How a face is anonymised.
 *
 * @param mode   blur (default), pixelate or solid fill
 * @param shape  the area covered: the (grown) face box, or the ellipse inscribed in it (default)
 * @param margin how much the detector's face box grows on each side, as a fraction of its width and height (default
 *               0.25: a 100 px box becomes 150 px); 0..2. Detector boxes stop at the hairline and chin, so some margin
 *               is needed to cover hair, ears and jaw.
 */
public record RedactionStyle(Mode mode, Shape shape, double margin) {
    /** What replaces the face's pixels. */
    public enum Mode {
        /**
         * Three box-blur passes (close to a Gaussian) with a radius of a sixth of the face size, computed on a copy
         * shrunk by a third of the radius: detail finer than about a tenth of the face is gone, not recoverable by
         * sharpening.
         */
        BLUR,
        /** Blocks of an eighth of the face size, each the mean colour of its pixels. */
        PIXELATE,
        /** Solid black. */
        FILL;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String s) {
            return valueOf(check(s, "mode", "blur, pixelate or fill").toUpperCase(Locale.ROOT));
        }
    }

    /** Covered area. */
    public enum Shape {
        BOX, ELLIPSE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Shape parse(String s) {
            return valueOf(check(s, "shape", "box or ellipse").toUpperCase(Locale.ROOT));
        }
    }

    public RedactionStyle {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(shape, "shape");
        if (!(margin >= 0 && margin <= 2)) {
            throw new IllegalArgumentException("margin must be between 0 and 2, got " + margin);
        }
    }

    /** Blur, ellipse, margin 0.25. */
    public static RedactionStyle defaults() {
        return new RedactionStyle(Mode.BLUR, Shape.ELLIPSE, 0.25);
    }

    private static String check(String s, String what, String allowed) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is required: " + allowed);
        }
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (String a : allowed.replace(" or ", ", ").split(", ")) {
            if (a.equals(t)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "'; expected " + allowed);
    }
}
