package io.consentry.store;

/** The request conflicts with the current state: a duplicate name or image, a case already decided, a consent already withdrawn. Code {@link ErrorCode#CONFLICT}. */
public class ConflictException extends GalleryException {
    public ConflictException(String message) {
        super(ErrorCode.CONFLICT, message);
    }
}
