package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A recorded watchlist authorisation; see {@link AuthorisationSpec}.
 *
 * @param createdBy actor id of the admin who recorded it
 * @param revokedAt when it was revoked; empty while in force
 */
public record Authorisation(String id, String issuer, String legalReference, Set<String> collectionIds, Set<String> sources,
                            Instant validFrom, Instant expiresAt, String createdBy, Instant createdAt, Optional<Instant> revokedAt) {
    public Authorisation {
        Objects.requireNonNull(id, "id");
        collectionIds = Set.copyOf(collectionIds);
        sources = Set.copyOf(sources);
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(expiresAt, "expiresAt");
        revokedAt = Checks.opt(revokedAt);
    }

    /** In force at {@code t}: started, not expired, not revoked. */
    public boolean isValidAt(Instant t) {
        return !validFrom.isAfter(t) && t.isBefore(expiresAt) && revokedAt.map(r -> r.isAfter(t)).orElse(true);
    }

    /**
     * In force at {@code t} and covering the collection and, when given, the source ({@link #sources()} empty = all).
     */
    public boolean covers(String collectionId, Optional<String> source, Instant t) {
        return isValidAt(t) && collectionIds.contains(collectionId)
                && (sources.isEmpty() || source.map(sources::contains).orElse(true));
    }
}
