package io.consentry.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a collection is for. Consent is given for purposes, and enrolment into a collection needs a valid consent (or
 * recorded legal basis) covering the collection's purpose. The {@link #wireName()} is used in the database, the API
 * and the audit log.
 */
public enum Purpose {
    /** Doors, turnstiles, devices: 1:1 verify or 1:N identify against enrolled members. */
    ACCESS_CONTROL("access-control"),
    /** Checking attendees in at an event. */
    EVENT_CHECK_IN("event-check-in"),
    /** Organising a user's own photo library. */
    PHOTO_LIBRARY("photo-library"),
    /** Verifying a claimed identity (e.g. account recovery). */
    IDENTITY_VERIFICATION("identity-verification"),
    /** Recording working time. */
    TIME_ATTENDANCE("time-attendance"),
    /**
     * Searching for persons of interest. Requires an {@link Authorisation} covering the collection, and every hit is
     * only a review candidate until two different reviewers confirm it.
     */
    WATCHLIST("watchlist");

    private final String wireName;

    Purpose(String wireName) {
        this.wireName = wireName;
    }

    /** E.g. {@code "access-control"}. */
    public String wireName() {
        return wireName;
    }

    /** Whether searches in a collection with this purpose need an authorisation and two-reviewer confirmation. */
    public boolean requiresAuthorisation() {
        return this == WATCHLIST;
    }

    /**
     * Parses a wire name (case-insensitive; the enum constant name is accepted too).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Purpose fromWire(String name) {
        for (Purpose p : values()) {
            if (p.wireName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown purpose '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Purpose::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
