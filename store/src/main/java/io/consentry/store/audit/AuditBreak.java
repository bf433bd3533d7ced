package io.consentry.store.audit;

import java.util.Objects;

/**
 * Where and how an audit chain is broken.
 *
 * @param seq    the first sequence number at which the chain does not verify
 * @param kind   the most likely cause
 * @param detail a human explanation
 */
public record AuditBreak(long seq, Kind kind, String detail) {
    public AuditBreak {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** Cause of a break. */
    public enum Kind {
        /** A record's contents do not match its hash, or a record was re-hashed so that its successor no longer links. */
        MODIFIED,
        /** Records are missing: a gap in the sequence, a missing start, or a log shorter than its head. */
        DELETED,
        /** All records are authentic but out of order (a record links to one that comes later). */
        REORDERED
    }
}
