package io.consentry.video;

import io.consentry.ConsentryException;

/**
 * A video could not be opened, decoded, encoded or written. Messages name the source or file and what went wrong
 * (container, codec, network); they never contain pixels or biometric data.
 */
public class VideoException extends ConsentryException {
    public VideoException(String message) {
        super(message);
    }

    public VideoException(String message, Throwable cause) {
        super(message, cause);
    }
}
