package io.consentry.store;

/**
 * The input cannot be used: code {@link ErrorCode#INVALID_INPUT} (argument out of range),
 * {@link ErrorCode#BAD_IMAGE} (undecodable image), {@link ErrorCode#NO_FACE} or {@link ErrorCode#MULTIPLE_FACES}.
 */
public class InvalidInputException extends GalleryException {
    public InvalidInputException(String message) {
        super(ErrorCode.INVALID_INPUT, message);
    }

    public InvalidInputException(ErrorCode code, String message) {
        super(code, message);
    }

    public InvalidInputException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
