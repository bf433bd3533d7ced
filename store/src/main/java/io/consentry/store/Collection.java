package io.consentry.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A gallery of templates with one purpose, retention and match threshold. See {@link CollectionSpec} for the fields'
 * meaning and units.
 *
 * @param id        store-assigned id
 * @param createdAt creation time (millisecond precision)
 */
public record Collection(String id, String name, Purpose purpose, Duration retention, double matchThreshold,
                         boolean storeSourceImages, Instant createdAt) {
    public Collection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The settings as a spec (e.g. to change one field and update). */
    public CollectionSpec spec() {
        return new CollectionSpec(name, purpose, retention, matchThreshold, storeSourceImages);
    }

    /** {@code similarity >= matchThreshold}. */
    public boolean isMatch(double similarity) {
        return similarity >= matchThreshold;
    }
}
