package io.consentry.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key's public record. The secret is shown once, at creation ({@link IssuedApiKey}); the store keeps only its
 * SHA-256 and compares in constant time.
 *
 * @param id        key id (also the actor id of whoever uses the key: two reviewers are two keys)
 * @param name      human label, e.g. the person or system holding it
 * @param role      what the key may do
 * @param revokedAt when it was revoked; empty while active
 */
public record ApiKey(String id, String name, Role role, Instant createdAt, Optional<Instant> revokedAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
        revokedAt = Checks.opt(revokedAt);
    }

    public boolean isRevoked() {
        return revokedAt.isPresent();
    }
}
