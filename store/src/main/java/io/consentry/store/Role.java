package io.consentry.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The role of an API key. Roles do not nest: each grants a disjoint set of operations (least privilege); the matrix
 * is documented on {@code io.consentry.governance.Permission}.
 */
public enum Role {
    /** Manages collections, API keys, watchlist authorisations, key rotation and configuration. */
    ADMIN,
    /** Manages subjects and consents, enrols templates, erases subjects. */
    ENROLLER,
    /** Detects, verifies (1:1) and identifies (1:N). */
    OPERATOR,
    /** Confirms or rejects watchlist review cases. */
    REVIEWER,
    /** Reads, exports and verifies the audit log. */
    AUDITOR;

    /** Lower-case name, e.g. {@code "enroller"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Role fromWire(String name) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")));
    }
}
