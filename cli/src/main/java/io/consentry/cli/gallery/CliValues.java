package io.consentry.cli.gallery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/** Parsing of option values shared by several commands. */
final class CliValues {
    /** How {@link #time} values are written, for option descriptions. */
    static final String TIME_FORMATS = "an ISO-8601 instant (2027-01-31T12:00:00Z), a date (2027-01-31, midnight UTC), "
            + "a UTC date-time (2027-01-31T12:00) or a period from now (P1Y, P90D, PT12H)";

    private CliValues() {
    }

    /**
     * A point in time: an instant, a date (midnight UTC), a local date-time (UTC), or a period or duration added to
     * {@code now} ({@code P1Y}, {@code P30D}, {@code PT8H}).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Instant time(String option, String value, Instant now) {
        String v = value.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                if (v.toUpperCase(java.util.Locale.ROOT).contains("T")) {
                    return now.plus(Duration.parse(v));
                }
                return now.atOffset(ZoneOffset.UTC).plus(Period.parse(v)).toInstant();
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (v.endsWith("Z") || v.endsWith("z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(v).toInstant();
            }
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(option + ": cannot read '" + value + "' as a time; use " + TIME_FORMATS);
        }
    }

    /** Hex SHA-256 of a file's contents, streamed (the file itself is not kept). */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** {@code s} shortened for a table column. */
    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
