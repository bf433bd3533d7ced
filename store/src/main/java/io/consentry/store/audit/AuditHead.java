package io.consentry.store.audit;

import java.util.Objects;

/**
 * The latest record of a log: its sequence number and hash ({@code 0} and {@link AuditChain#GENESIS_HASH} when
 * empty). Publish it regularly to a place the database administrator cannot write (a ticket, a mail, a WORM store):
 * a later verification against a published head also detects records removed from the end.
 */
public record AuditHead(long seq, String hash) {
    public AuditHead {
        Objects.requireNonNull(hash, "hash");
    }
}
