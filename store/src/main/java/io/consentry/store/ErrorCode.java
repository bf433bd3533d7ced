package io.consentry.store;

import java.util.Locale;

/**
 * Stable error codes of the {@link GalleryException} family, each with the HTTP status a REST layer should answer
 * with. The {@link #wireName()} (e.g. {@code "consent-required"}) is part of the public API: clients may switch on it,
 * so a code is never renamed or reused, only added.
 */
public enum ErrorCode {
    /** A request argument is malformed or out of range (HTTP 400). */
    INVALID_INPUT(400),
    /** The image cannot be decoded: corrupt, truncated, unsupported or above the size limits (HTTP 400). */
    BAD_IMAGE(400),
    /** No face was found where one was needed (HTTP 422). */
    NO_FACE(422),
    /** More than one face in an enrolment image (HTTP 422). */
    MULTIPLE_FACES(422),
    /** No or an unknown/revoked API key (HTTP 401). */
    UNAUTHENTICATED(401),
    /** The caller's role does not allow the operation (HTTP 403). */
    FORBIDDEN(403),
    /** A watchlist operation without a valid authorisation covering the collection and source (HTTP 403). */
    AUTHORISATION_REQUIRED(403),
    /** Enrolment of a subject without a valid consent or legal basis for the collection's purpose (HTTP 422). */
    CONSENT_REQUIRED(422),
    /** An id that does not exist (HTTP 404). */
    NOT_FOUND(404),
    /** The request conflicts with the current state: duplicate, already decided, already withdrawn (HTTP 409). */
    CONFLICT(409),
    /** The database or the disk is full; nothing was written (HTTP 507). */
    STORAGE_FULL(507),
    /** The database is locked by another process for longer than the busy timeout; retry (HTTP 503). */
    STORAGE_BUSY(503),
    /** The database cannot be read or written (I/O error, corrupt file, newer schema) (HTTP 500). */
    STORAGE_ERROR(500),
    /** Key material is missing, unreadable, or does not match the stored templates (HTTP 500). */
    KEY_ERROR(500),
    /** The face engine failed (model could not run) (HTTP 500). */
    ENGINE_ERROR(500),
    /** The store or service has been closed (HTTP 503). */
    CLOSED(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status a REST layer should return for this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Lower-case, dash-separated name used on the wire, e.g. {@code "consent-required"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
