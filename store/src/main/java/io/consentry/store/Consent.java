package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A recorded consent or legal basis. See {@link ConsentSpec} for the fields set by the caller.
 *
 * @param recordedBy  actor id that recorded it
 * @param recordedAt  when it was recorded
 * @param withdrawnAt when it was withdrawn (or the subject erased); empty while in force
 */
public record Consent(String id, String subjectId, Set<Purpose> purposes, ConsentBasis basis, Optional<String> legalReference,
                      Instant givenAt, Optional<Instant> expiresAt, Optional<String> evidenceSha256, String recordedBy,
                      Instant recordedAt, Optional<Instant> withdrawnAt) {
    public Consent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subjectId, "subjectId");
        purposes = Set.copyOf(purposes);
        Objects.requireNonNull(basis, "basis");
        legalReference = Checks.opt(legalReference);
        Objects.requireNonNull(givenAt, "givenAt");
        expiresAt = Checks.opt(expiresAt);
        evidenceSha256 = Checks.opt(evidenceSha256);
        Objects.requireNonNull(recordedBy, "recordedBy");
        Objects.requireNonNull(recordedAt, "recordedAt");
        withdrawnAt = Checks.opt(withdrawnAt);
    }

    /** In force at {@code t}: given at or before {@code t}, not expired ({@code t < expiresAt}), not withdrawn. */
    public boolean isValidAt(Instant t) {
        return !givenAt.isAfter(t) && expiresAt.map(t::isBefore).orElse(true) && withdrawnAt.map(w -> w.isAfter(t)).orElse(true);
    }

    /** In force at {@code t} and covering {@code purpose}. */
    public boolean covers(Purpose purpose, Instant t) {
        return purposes.contains(purpose) && isValidAt(t);
    }
}
