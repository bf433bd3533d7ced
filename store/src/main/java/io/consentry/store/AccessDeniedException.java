package io.consentry.store;

/**
 * The caller may not do this: code {@link ErrorCode#UNAUTHENTICATED} (no valid API key),
 * {@link ErrorCode#FORBIDDEN} (the role lacks the permission) or {@link ErrorCode#AUTHORISATION_REQUIRED} (a watchlist
 * operation without a valid authorisation record covering the collection and source).
 */
public class AccessDeniedException extends GalleryException {
    public AccessDeniedException(ErrorCode code, String message) {
        super(requireAccessCode(code), message);
    }

    private static ErrorCode requireAccessCode(ErrorCode code) {
        if (code != ErrorCode.UNAUTHENTICATED && code != ErrorCode.FORBIDDEN && code != ErrorCode.AUTHORISATION_REQUIRED) {
            throw new IllegalArgumentException("not an access code: " + code);
        }
        return code;
    }
}
