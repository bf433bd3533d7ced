package io.consentry.image;

import io.consentry.ConsentryException;

/** An input could not be used as an image: unreadable, truncated, unsupported, too large or empty. */
public class BadImageException extends ConsentryException {
    public BadImageException(String message) {
        super(message);
    }

    public BadImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
