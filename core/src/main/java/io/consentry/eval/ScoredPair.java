package io.consentry.eval;

/**
 * A pair's outcome: cosine similarity, or {@link Double#NaN} when either image yielded no usable face
 * (failure to enrol).
 */
public record ScoredPair(double score, boolean same, int fold) {
    public boolean answered() {
        return !Double.isNaN(score);
    }
}
