package io.consentry.server;

import java.util.Objects;

/**
 * A failure the server itself detects (bad request shape, size, content type, overload, timeout), turned into a
 * problem document by {@link ProblemMapper}. Failures of the service arrive as
 * {@link io.consentry.store.GalleryException}s and are mapped there too.
 */
public final class ProblemException extends RuntimeException {
    private final ProblemCode code;

    public ProblemException(ProblemCode code, String detail) {
        super(detail, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ProblemCode code() {
        return code;
    }
}
