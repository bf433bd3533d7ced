package io.consentry.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A consent (or legal basis) to record for a subject.
 *
 * <pre>{@code
 * ConsentSpec c = ConsentSpec.signedForm(subjectId, Set.of(Purpose.ACCESS_CONTROL), now, Optional.of(now.plus(365, DAYS)), formSha256);
 * }</pre>
 *
 * @param subjectId       the subject
 * @param purposes        the purposes covered (at least one)
 * @param basis           how it was obtained
 * @param legalReference  the statute, court order or contract clause; required for {@link ConsentBasis#LEGAL_BASIS}
 * @param givenAt         when it was given (becomes effective)
 * @param expiresAt       when it lapses (exclusive), empty = until withdrawn; must be after {@code givenAt}
 * @param evidenceSha256  hex SHA-256 of the evidence document (the document itself is never stored); required for
 *                        {@link ConsentBasis#SIGNED_FORM}
 */
public record ConsentSpec(String subjectId, Set<Purpose> purposes, ConsentBasis basis, Optional<String> legalReference,
                          Instant givenAt, Optional<Instant> expiresAt, Optional<String> evidenceSha256) {
    public ConsentSpec {
        Checks.id("subject id", subjectId);
        Objects.requireNonNull(purposes, "purposes");
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("a consent must cover at least one purpose");
        }
        purposes = Set.copyOf(EnumSet.copyOf(purposes));
        Objects.requireNonNull(basis, "basis");
        legalReference = Checks.opt(legalReference).map(r -> Checks.text("legal reference", r, 500));
        givenAt = Checks.millis(Objects.requireNonNull(givenAt, "givenAt"));
        expiresAt = Checks.opt(expiresAt).map(Checks::millis);
        evidenceSha256 = Checks.opt(evidenceSha256).map(h -> Checks.sha256("evidence hash", h));
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(givenAt)) {
            throw new IllegalArgumentException("consent expiry " + expiresAt.get() + " must be after the time it was given, " + givenAt);
        }
        if (basis == ConsentBasis.LEGAL_BASIS && legalReference.isEmpty()) {
            throw new IllegalArgumentException("a legal basis needs a legal reference (statute, order or contract clause)");
        }
        if (basis == ConsentBasis.SIGNED_FORM && evidenceSha256.isEmpty()) {
            throw new IllegalArgumentException("a signed-form consent needs the SHA-256 of the signed document");
        }
    }

    /** A signed-form consent. */
    public static ConsentSpec signedForm(String subjectId, Set<Purpose> purposes, Instant givenAt, Optional<Instant> expiresAt,
                                         String documentSha256) {
        return new ConsentSpec(subjectId, purposes, ConsentBasis.SIGNED_FORM, Optional.empty(), givenAt, expiresAt,
                Optional.of(documentSha256));
    }

    /** An in-app consent. */
    public static ConsentSpec inApp(String subjectId, Set<Purpose> purposes, Instant givenAt, Optional<Instant> expiresAt,
                                    Optional<String> evidenceSha256) {
        return new ConsentSpec(subjectId, purposes, ConsentBasis.IN_APP, Optional.empty(), givenAt, expiresAt, evidenceSha256);
    }

    /** A recorded legal basis instead of consent. */
    public static ConsentSpec legalBasis(String subjectId, Set<Purpose> purposes, String legalReference, Instant givenAt,
                                         Optional<Instant> expiresAt, Optional<String> evidenceSha256) {
        return new ConsentSpec(subjectId, purposes, ConsentBasis.LEGAL_BASIS, Optional.of(legalReference), givenAt, expiresAt,
                evidenceSha256);
    }
}
