package io.consentry.governance;

import java.util.Objects;

/**
 * One subject in a search result.
 *
 * @param subjectId  the subject
 * @param similarity best cosine similarity of the probe to the subject's templates in the collection, in [-1, 1]
 * @param status     match, no match, or review candidate (watchlist)
 */
public record Candidate(String subjectId, double similarity, MatchStatus status) {
    public Candidate {
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(status, "status");
    }

    /** True only for {@link MatchStatus#MATCH}: at or above the threshold in a non-watchlist collection. */
    public boolean match() {
        return status == MatchStatus.MATCH;
    }
}
