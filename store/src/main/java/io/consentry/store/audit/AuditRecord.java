package io.consentry.store.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * A sealed audit record: the {@link AuditEntry} plus its place in the chain.
 *
 * @param seq      position in the log, 1, 2, 3, … without gaps
 * @param at       when it was appended (millisecond precision, UTC)
 * @param entry    the audited event (ids, hashes, scores, text; never descriptors or images)
 * @param prevHash the {@link #hash} of record {@code seq - 1} ({@link AuditChain#GENESIS_HASH} for the first)
 * @param hash     {@link AuditChain#hash SHA-256} over the canonical serialisation of {@code at}, the entry's fields
 *                 and {@code prevHash}, lower-case hex
 */
public record AuditRecord(long seq, Instant at, AuditEntry entry, String prevHash, String hash) {
    public AuditRecord {
        if (seq < 1) {
            throw new IllegalArgumentException("audit seq starts at 1, got " + seq);
        }
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** Seals {@code entry} as record {@code seq} after a record with hash {@code prevHash}. */
    public static AuditRecord seal(long seq, Instant at, AuditEntry entry, String prevHash) {
        Instant t = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return new AuditRecord(seq, t, entry, prevHash, AuditChain.hash(t, entry, prevHash));
    }
}
