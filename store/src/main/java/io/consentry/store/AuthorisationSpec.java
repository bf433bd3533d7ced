package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A watchlist authorisation to record: who allowed searching which collections from which sources, on what legal
 * ground, until when.
 *
 * @param issuer          the authority that issued it (court, regulator, data protection officer), 1..200 characters
 * @param legalReference  the legal instrument (warrant number, statute), 1..500 characters
 * @param collectionIds   the watchlist collections it covers (at least one)
 * @param sources         the probe sources it covers (camera or site ids); empty = any source
 * @param validFrom       start (inclusive)
 * @param expiresAt       end (exclusive); required and after {@code validFrom}
 */
public record AuthorisationSpec(String issuer, String legalReference, Set<String> collectionIds, Set<String> sources,
                                Instant validFrom, Instant expiresAt) {
    public AuthorisationSpec {
        issuer = Checks.text("issuer", issuer, 200);
        legalReference = Checks.text("legal reference", legalReference, 500);
        Objects.requireNonNull(collectionIds, "collectionIds");
        if (collectionIds.isEmpty()) {
            throw new IllegalArgumentException("an authorisation must name at least one collection");
        }
        collectionIds.forEach(c -> Checks.id("collection id", c));
        collectionIds = Set.copyOf(collectionIds);
        sources = Set.copyOf(Objects.requireNonNull(sources, "sources"));
        sources.forEach(s -> Checks.text("source", s, 200));
        validFrom = Checks.millis(Objects.requireNonNull(validFrom, "validFrom"));
        expiresAt = Checks.millis(Objects.requireNonNull(expiresAt, "expiresAt"));
        if (!expiresAt.isAfter(validFrom)) {
            throw new IllegalArgumentException("authorisation expiry must be after its start");
        }
    }
}
