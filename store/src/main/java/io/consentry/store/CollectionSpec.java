package io.consentry.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What an admin asks for when creating (or reconfiguring) a collection.
 *
 * <pre>{@code
 * CollectionSpec spec = CollectionSpec.of("hq-doors", Purpose.ACCESS_CONTROL, 0.82).withRetention(Duration.ofDays(365));
 * }</pre>
 *
 * @param name              unique human name, 1..100 characters
 * @param purpose           what the collection is for; fixed once templates exist
 * @param retention         how long after a subject's last interaction with this collection its templates are kept;
 *                          positive and at most {@link #MAX_RETENTION} (3 years, BIPA §15(a))
 * @param matchThreshold    cosine similarity in (-1, 1] at or above which a search result is reported as a match
 *                          (0.82 is the face-api.js pack's default: Euclidean 0.6 on unit vectors)
 * @param storeSourceImages whether enrolment images are kept (encrypted) beside the templates; off by default, only
 *                          the image's SHA-256 is stored
 */
public record CollectionSpec(String name, Purpose purpose, Duration retention, double matchThreshold, boolean storeSourceImages) {
    /** Default and maximum retention of biometric data: 3 years (3 × 365 days) after the last interaction. */
    public static final Duration MAX_RETENTION = Duration.ofDays(3 * 365);

    public CollectionSpec {
        name = Checks.text("collection name", name, 100);
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero() || retention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("retention must be positive and at most " + MAX_RETENTION.toDays() + " days, got "
                    + retention.toDays() + " days");
        }
        if (!(matchThreshold > -1 && matchThreshold <= 1)) {
            throw new IllegalArgumentException("match threshold must be a cosine similarity in (-1, 1], got " + matchThreshold);
        }
    }

    /** A spec with the maximum retention and no source images. */
    public static CollectionSpec of(String name, Purpose purpose, double matchThreshold) {
        return new CollectionSpec(name, purpose, MAX_RETENTION, matchThreshold, false);
    }

    public CollectionSpec withRetention(Duration r) {
        return new CollectionSpec(name, purpose, r, matchThreshold, storeSourceImages);
    }

    public CollectionSpec withMatchThreshold(double t) {
        return new CollectionSpec(name, purpose, retention, t, storeSourceImages);
    }

    public CollectionSpec withStoreSourceImages(boolean on) {
        return new CollectionSpec(name, purpose, retention, matchThreshold, on);
    }
}
