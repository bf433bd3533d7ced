package io.consentry.store;

/** Enrolment refused: the subject has no valid (given, not expired, not withdrawn) consent or recorded legal basis covering the collection's purpose. Code {@link ErrorCode#CONSENT_REQUIRED}. */
public class ConsentRequiredException extends GalleryException {
    public ConsentRequiredException(String message) {
        super(ErrorCode.CONSENT_REQUIRED, message);
    }
}
