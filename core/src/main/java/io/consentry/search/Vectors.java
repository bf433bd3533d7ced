package io.consentry.search;

import java.util.Objects;

/** Argument checks shared by the indexes. Messages never contain vector components (they are biometric data). */
final class Vectors {

    /** Largest accepted |norm - 1|. */
    static final double NORM_TOLERANCE = 1e-3;

    private Vectors() {
    }

    /** Checks that {@code v} is a finite unit vector of length {@code dim}; {@code what} names it in messages. */
    static void checkUnit(float[] v, int dim, String what) {
        Objects.requireNonNull(v, what);
        if (v.length != dim) {
            throw new IllegalArgumentException(what + " has dimension " + v.length + ", the index has " + dim);
        }
        double sumSq = 0;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(what + " has a non-finite component at index " + i);
            }
            sumSq += (double) x * x;
        }
        double norm = Math.sqrt(sumSq);
        if (Math.abs(norm - 1) > NORM_TOLERANCE) {
            throw new IllegalArgumentException(what + " is not L2-normalised: norm " + norm + " (tolerance "
                    + NORM_TOLERANCE + "); normalise it, e.g. with Embedding.normalise");
        }
    }

    /**
     * A copy of {@code v}, checked like {@link #checkUnit}: checking the copy means a caller changing its array
     * concurrently cannot slip an unchecked vector in.
     */
    static float[] checkedCopy(float[] v, int dim, String what) {
        float[] copy = Objects.requireNonNull(v, what).clone();
        checkUnit(copy, dim, what);
        return copy;
    }

    static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
    }
}
