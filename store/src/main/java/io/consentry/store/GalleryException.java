package io.consentry.store;

import io.consentry.ConsentryException;

import java.util.Objects;

/**
 * Root of the store and governance exceptions. Every instance carries a stable {@link ErrorCode} that a REST layer
 * maps to an HTTP status and a CLI to an exit code; catch the subclasses to handle a case specifically.
 * Messages name the object and the reason and never contain descriptors, images or key material.
 *
 * <p>The family: {@link NotFoundException}, {@link ConflictException}, {@link ConsentRequiredException},
 * {@link AccessDeniedException} (unauthenticated, forbidden, watchlist authorisation missing),
 * {@link InvalidInputException} (bad argument, bad image, no face, several faces) and {@link StorageException}
 * (disk full, busy, I/O, key problems).
 */
public class GalleryException extends ConsentryException {
    private final ErrorCode code;

    public GalleryException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public GalleryException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }
}
