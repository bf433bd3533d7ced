package io.consentry.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Argument checks shared by the records. Failures are {@link IllegalArgumentException}s naming the field. */
final class Checks {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private Checks() {
    }

    /** A non-blank text of at most {@code max} characters, stripped. */
    public static String text(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        String s = value.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (s.length() > max) {
            throw new IllegalArgumentException(field + " is " + s.length() + " characters, at most " + max + " allowed");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException(field + " must not contain control characters");
            }
        }
        return s;
    }

    /** An id: 1..100 characters of letters, digits and {@code . _ : -}. */
    public static String id(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " is not a valid id: '" + abbreviate(value) + "'");
        }
        return value;
    }

    /** A lower-case hex SHA-256 (64 characters); upper case is accepted and lower-cased. */
    public static String sha256(String field, String value) {
        Objects.requireNonNull(value, field);
        String s = value.toLowerCase(java.util.Locale.ROOT);
        if (!SHA256.matcher(s).matches()) {
            throw new IllegalArgumentException(field + " must be a hex SHA-256 (64 hex digits)");
        }
        return s;
    }

    /** An optional of a possibly-null value, never null itself. */
    public static <T> Optional<T> opt(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    /** Millisecond precision: what every store keeps. */
    public static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
