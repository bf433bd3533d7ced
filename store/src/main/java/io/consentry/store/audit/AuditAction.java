package io.consentry.store.audit;

import java.util.Locale;

/** What an audit record is about. The {@link #wireName()} appears in the database, the JSONL export and the hash. */
public enum AuditAction {
    LOGIN_FAILED,
    COLLECTION_CREATE,
    /** A configuration change of a collection (threshold, retention, source images). */
    COLLECTION_UPDATE,
    COLLECTION_DELETE,
    SUBJECT_CREATE,
    /** Erasure (GDPR Art. 17). */
    SUBJECT_ERASE,
    CONSENT_RECORD,
    CONSENT_WITHDRAW,
    /** Templates removed by the purge because no valid consent covers them any more (expired). */
    CONSENT_EXPIRED,
    ENROL,
    TEMPLATE_DELETE,
    DETECT,
    VERIFY,
    IDENTIFY,
    REVIEW_OPEN,
    REVIEW_DECIDE,
    AUTHORISATION_CREATE,
    AUTHORISATION_REVOKE,
    API_KEY_CREATE,
    API_KEY_REVOKE,
    /** New AES key, same transform. */
    KEY_ROTATE,
    /** New AES key and new orthogonal transform. */
    KEY_REKEY,
    /** Templates or subjects removed after their retention period. */
    RETENTION_PURGE,
    /** A read of gallery data (collections, subjects, consents, keys, cases); audited when denied. */
    READ,
    AUDIT_READ,
    AUDIT_EXPORT,
    AUDIT_VERIFY,
    /** Search indexes rebuilt from the store (service start, or an admin reload). */
    SERVICE_START,
    /** A video source added to the service for watching. */
    SOURCE_ADD,
    /** A video source removed from the service. */
    SOURCE_REMOVE,
    /** An image or video redacted (faces anonymised). */
    REDACT,
    /** Footage searched for one enrolled subject (start and result). */
    FOOTAGE_SEARCH;

    /** E.g. {@code "consent-withdraw"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static AuditAction fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
