package io.consentry.store.audit;

import java.util.Optional;

/**
 * The result of verifying an audit chain.
 *
 * @param recordsChecked how many records were read
 * @param head           the last record's seq and hash as read
 * @param firstBreak     the first break, empty when the chain is intact
 */
public record AuditVerification(long recordsChecked, AuditHead head, Optional<AuditBreak> firstBreak) {
    public AuditVerification {
        firstBreak = firstBreak == null ? Optional.empty() : firstBreak;
    }

    /** No break found. */
    public boolean intact() {
        return firstBreak.isEmpty();
    }

    @Override
    public String toString() {
        return intact() ? "audit chain intact: " + recordsChecked + " records, head " + head.seq() + " " + head.hash()
                : "audit chain broken at seq " + firstBreak.get().seq() + " (" + firstBreak.get().kind() + "): " + firstBreak.get().detail();
    }
}
