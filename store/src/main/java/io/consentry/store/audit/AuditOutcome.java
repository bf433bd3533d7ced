package io.consentry.store.audit;

import java.util.Locale;

/** How an audited operation ended. */
public enum AuditOutcome {
    /** Done. */
    OK,
    /** Refused for lack of permission (wrong role, unknown key). */
    DENIED,
    /** Refused by a rule: no consent, no authorisation, no face, unknown id, conflict, bad input. */
    REFUSED,
    /** Failed for a technical reason (storage, engine). */
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuditOutcome fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
