package io.consentry.store;

/**
 * The storage layer failed: code {@link ErrorCode#STORAGE_FULL} (disk or database full; the transaction was rolled
 * back, nothing was acknowledged), {@link ErrorCode#STORAGE_BUSY}, {@link ErrorCode#STORAGE_ERROR},
 * {@link ErrorCode#KEY_ERROR} or {@link ErrorCode#CLOSED}.
 */
public class StorageException extends GalleryException {
    public StorageException(ErrorCode code, String message) {
        super(code, message);
    }

    public StorageException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
