package io.consentry.store.audit;

import java.util.Locale;
import java.util.Objects;

/**
 * One search result in an audit record: an id and a score, never a descriptor.
 *
 * @param id    the subject (or template) id
 * @param score cosine similarity, rounded to 6 decimals so that its text form (used in the hash and the export) is
 *              exact and stable
 */
public record AuditCandidate(String id, double score) {
    public AuditCandidate {
        Objects.requireNonNull(id, "id");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score must be finite");
        }
        score = Math.round(score * 1e6) / 1e6;
    }

    /** The score with exactly 6 decimals, e.g. {@code "0.912345"}. */
    public String scoreText() {
        return String.format(Locale.ROOT, "%.6f", score);
    }
}
