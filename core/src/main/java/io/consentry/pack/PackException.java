package io.consentry.pack;

import io.consentry.ConsentryException;

/** A model pack cannot be installed, found, verified or loaded; the message says which file and why. */
public class PackException extends ConsentryException {
    public PackException(String message) {
        super(message);
    }

    public PackException(String message, Throwable cause) {
        super(message, cause);
    }
}
