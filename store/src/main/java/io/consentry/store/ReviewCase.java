package io.consentry.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A watchlist hit under human review. It is {@link ReviewStatus#CONFIRMED} only after {@link #REQUIRED_CONFIRMATIONS}
 * different reviewers confirmed the same candidate; one rejection closes it as {@link ReviewStatus#REJECTED}.
 *
 * @param createdBy          actor id of the operator whose search opened it
 * @param decisions          decisions so far, in order
 * @param confirmedSubjectId the confirmed candidate, once {@link ReviewStatus#CONFIRMED}
 * @param closedAt           when it was confirmed or rejected
 */
public record ReviewCase(String id, String collectionId, String authorisationId, String probeImageSha256, Optional<String> source,
                         List<ReviewCandidate> candidates, ReviewStatus status, Instant createdAt, String createdBy,
                         List<ReviewDecision> decisions, Optional<String> confirmedSubjectId, Optional<Instant> closedAt) {
    /** Distinct reviewers who must confirm the same candidate. */
    public static final int REQUIRED_CONFIRMATIONS = 2;

    public ReviewCase {
        Objects.requireNonNull(id, "id");
        source = Checks.opt(source);
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(status, "status");
        decisions = List.copyOf(decisions);
        confirmedSubjectId = Checks.opt(confirmedSubjectId);
        closedAt = Checks.opt(closedAt);
    }

    public boolean isOpen() {
        return status == ReviewStatus.PENDING;
    }
}
