package io.consentry.server;

import io.consentry.store.ErrorCode;

import java.util.Locale;

/**
 * The stable error codes of the REST API, each with its HTTP status. A problem document's {@code code} member is the
 * constant's name (e.g. {@code "CONSENT_REQUIRED"}) and its {@code type} is {@code urn:consentry:problem:} followed by
 * the lower-case, dash-separated name ({@code consent-required}, the store's {@link ErrorCode#wireName()}). Clients
 * may switch on either, so a code is never renamed or reused, only added.
 */
public enum ProblemCode {
    /** The request is not well-formed: bad JSON, a wrong type, a missing field, a bad query parameter (400). */
    MALFORMED_REQUEST(400, "Malformed request"),
    /** A value is well-formed but not acceptable (out of range, too long, inconsistent) (400). */
    INVALID_INPUT(400, "Invalid input"),
    /** The image cannot be decoded: not an image, corrupt, or above the pixel/size limits (400). */
    BAD_IMAGE(400, "Bad image"),
    /** No or an unknown/revoked API key (401). */
    UNAUTHENTICATED(401, "Unauthenticated"),
    /** The key's role may not use this route (403). */
    FORBIDDEN(403, "Forbidden"),
    /** A watchlist search without a valid authorisation covering the collection and source (403). */
    AUTHORISATION_REQUIRED(403, "Authorisation required"),
    /** No such route, or an id that does not exist (404). */
    NOT_FOUND(404, "Not found"),
    /** The route exists, not with this method (405). */
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    /** Duplicate, already decided, already withdrawn or revoked (409). */
    CONFLICT(409, "Conflict"),
    /** The request body is larger than the server's limit (413). */
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    /** The body's content type is not one the route accepts (415). */
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    /** No face where one was needed (422). */
    NO_FACE(422, "No face"),
    /** More than one face in an enrolment image (422). */
    MULTIPLE_FACES(422, "Multiple faces"),
    /** Enrolment without a valid consent or legal basis for the collection's purpose (422). */
    CONSENT_REQUIRED(422, "Consent required"),
    /** The inference queue is full; retry after the {@code Retry-After} seconds (429). */
    OVERLOADED(429, "Overloaded"),
    /** Unexpected failure; details are in the server log under the problem's {@code requestId} (500). */
    INTERNAL(500, "Internal error"),
    /** The request did not finish within the server's per-request time limit (503). */
    TIMEOUT(503, "Timeout"),
    /** The store is busy or the service is shutting down; retry (503). */
    UNAVAILABLE(503, "Service unavailable"),
    /** The database or the disk is full; nothing was written (507). */
    STORAGE_FULL(507, "Storage full");

    private final int status;
    private final String title;

    ProblemCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** {@code urn:consentry:problem:consent-required}. */
    public String type() {
        return "urn:consentry:problem:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the detail text may be shown to the client (false for server-side failures, whose text is internal). */
    public boolean clientFacing() {
        return status < 500 || this == TIMEOUT || this == UNAVAILABLE;
    }

    /** The API code for a store/service error code (exhaustive: a new store code fails the build here). */
    public static ProblemCode of(ErrorCode c) {
        return switch (c) {
            case INVALID_INPUT -> INVALID_INPUT;
            case BAD_IMAGE -> BAD_IMAGE;
            case NO_FACE -> NO_FACE;
            case MULTIPLE_FACES -> MULTIPLE_FACES;
            case UNAUTHENTICATED -> UNAUTHENTICATED;
            case FORBIDDEN -> FORBIDDEN;
            case AUTHORISATION_REQUIRED -> AUTHORISATION_REQUIRED;
            case CONSENT_REQUIRED -> CONSENT_REQUIRED;
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case STORAGE_FULL -> STORAGE_FULL;
            case STORAGE_BUSY, CLOSED -> UNAVAILABLE;
            case STORAGE_ERROR, KEY_ERROR, ENGINE_ERROR -> INTERNAL;
        };
    }
}
