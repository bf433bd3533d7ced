package io.consentry;

/**
 * Root of Consentry's checked exceptions. Messages are written for the person running the program:
 * they name the file or setting at fault and never contain biometric data (descriptors, pixels).
 */
public class ConsentryException extends Exception {
    public ConsentryException(String message) {
        super(message);
    }

    public ConsentryException(String message, Throwable cause) {
        super(message, cause);
    }
}
