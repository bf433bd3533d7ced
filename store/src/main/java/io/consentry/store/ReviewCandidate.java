package io.consentry.store;

import java.util.Objects;

/**
 * A watchlist hit awaiting review.
 *
 * @param subjectId  the candidate subject
 * @param similarity best cosine similarity of the probe to the subject's templates, in [-1, 1]
 */
public record ReviewCandidate(String subjectId, double similarity) {
    public ReviewCandidate {
        Objects.requireNonNull(subjectId, "subjectId");
    }
}
