package io.consentry.governance;

import io.consentry.store.Role;

import java.util.Objects;

/**
 * Who calls the service: an authenticated API key's id and role ({@link GalleryService#authenticate}), or
 * {@link #system()} for the retention scheduler. Every service method takes one, checks its role and writes it into
 * the audit record.
 *
 * @param id   the API key id (two reviewers are two keys), or {@code "system"}
 * @param role the role
 */
public record Actor(String id, Role role) {
    /** Actor id of the service's own scheduled work. */
    public static final String SYSTEM_ID = "system";

    public Actor {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("actor id must not be blank");
        }
        Objects.requireNonNull(role, "role");
    }

    /** The service itself (retention purge), acting with the admin role. */
    public static Actor system() {
        return new Actor(SYSTEM_ID, Role.ADMIN);
    }
}
