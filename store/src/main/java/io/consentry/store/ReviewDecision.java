package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One reviewer's decision on a case.
 *
 * @param reviewerId the reviewer's actor id (API key id); a reviewer decides a case at most once
 * @param verdict    confirm or reject
 * @param subjectId  for {@link Verdict#CONFIRM}: the candidate confirmed (must be one of the case's candidates)
 * @param decidedAt  when
 */
public record ReviewDecision(String reviewerId, Verdict verdict, Optional<String> subjectId, Instant decidedAt) {
    public ReviewDecision {
        Objects.requireNonNull(reviewerId, "reviewerId");
        Objects.requireNonNull(verdict, "verdict");
        subjectId = Checks.opt(subjectId);
        Objects.requireNonNull(decidedAt, "decidedAt");
        if (verdict == Verdict.CONFIRM && subjectId.isEmpty()) {
            throw new IllegalArgumentException("a confirmation must name the candidate subject");
        }
    }
}
