package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A person known to the deployment. Erasure deletes the record (and its templates); the subject's consent records
 * remain, holding only the subject id and the evidence hash.
 *
 * @param lastInteractionAt last enrolment or successful verify/identify; drives the 3-year subject retention
 */
public record Subject(String id, String displayName, Optional<String> externalId, Instant createdAt, Instant lastInteractionAt) {
    public Subject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        externalId = Checks.opt(externalId);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastInteractionAt, "lastInteractionAt");
    }
}
