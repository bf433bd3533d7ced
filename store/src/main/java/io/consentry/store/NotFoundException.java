package io.consentry.store;

/** An id (collection, subject, consent, template, case, key) does not exist. Code {@link ErrorCode#NOT_FOUND}. */
public class NotFoundException extends GalleryException {
    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }
}
