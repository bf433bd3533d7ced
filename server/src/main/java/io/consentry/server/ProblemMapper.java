package io.consentry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.consentry.ConsentryException;
import io.consentry.image.BadImageException;
import io.consentry.store.GalleryException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception mapper: every failure becomes an RFC 9457 {@code application/problem+json} document with a stable
 * {@link ProblemCode} and its HTTP status. Client errors explain themselves in {@code detail}; server errors
 * ({@link ProblemCode#INTERNAL}, {@link ProblemCode#STORAGE_FULL}) get a generic detail, and the exception, with its
 * stack trace, goes to the server log under the problem's {@code requestId}. Messages of the service never contain
 * keys or biometric data (a documented rule of the {@link io.consentry.ConsentryException} family).
 */
final class ProblemMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);
    static final String PROBLEM_MEDIA = "application/problem+json";
    static final String REQUEST_ID = "consentry.requestId";
    private static final String WRITTEN = "consentry.problem";

    void handle(Exception e, Context ctx) {
        ProblemCode code;
        String detail;
        if (e instanceof ProblemException p) {
            code = p.code();
            detail = p.getMessage();
        } else if (e instanceof GalleryException g) {
            code = ProblemCode.of(g.code());
            detail = g.getMessage();
        } else if (e instanceof BadImageException b) {
            code = ProblemCode.BAD_IMAGE;
            detail = b.getMessage();
        } else if (e instanceof ConsentryException) {
            code = ProblemCode.INTERNAL;
            detail = e.getMessage();
        } else if (e instanceof JsonProcessingException j) {
            ProblemException p = Call.malformed(j);
            code = p.code();
            detail = p.getMessage();
        } else if (e instanceof IllegalArgumentException) {
            code = ProblemCode.INVALID_INPUT;
            detail = e.getMessage();
        } else if (e instanceof HttpResponseException h) {
            code = switch (h.getStatus()) {
                case 400 -> ProblemCode.MALFORMED_REQUEST;
                case 404 -> ProblemCode.NOT_FOUND;
                case 405 -> ProblemCode.METHOD_NOT_ALLOWED;
                case 413 -> ProblemCode.PAYLOAD_TOO_LARGE;
                case 415 -> ProblemCode.UNSUPPORTED_MEDIA_TYPE;
                case 503 -> ProblemCode.UNAVAILABLE;
                default -> ProblemCode.INTERNAL;
            };
            detail = switch (code) {
                case NOT_FOUND -> "no route " + ctx.method() + " " + ctx.path();
                case METHOD_NOT_ALLOWED -> "route " + ctx.path() + " does not accept " + ctx.method();
                default -> h.getMessage();
            };
        } else {
            code = ProblemCode.INTERNAL;
            detail = null;
        }
        write(ctx, code, detail, e);
    }

    /**
     * Javalin's error stage for a status set without an exception of ours (no route matched, method not allowed): a
     * problem document instead of Javalin's plain text, unless one was written already.
     */
    void handleStatus(Context ctx) {
        if (ctx.attribute(WRITTEN) != null) {
            return;
        }
        switch (ctx.statusCode()) {
            case 404 -> write(ctx, ProblemCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path(), null);
            case 405 -> write(ctx, ProblemCode.METHOD_NOT_ALLOWED, "route " + ctx.path() + " does not accept " + ctx.method(), null);
            default -> {
            }
        }
    }

    /** Writes a problem document for {@code code}; {@code cause} is logged for server errors. */
    static void write(Context ctx, ProblemCode code, String detail, Throwable cause) {
        String requestId = ctx.attribute(REQUEST_ID);
        if (!code.clientFacing()) {
            LOG.error("{} {} failed (request {}): {}", ctx.method(), ctx.path(), requestId, code, cause);
            detail = "the server could not complete the request; the cause is logged under request id " + requestId;
        } else if (code.status() >= 500) {
            LOG.warn("{} {} (request {}): {}: {}", ctx.method(), ctx.path(), requestId, code, detail);
        }
        if (ctx.res().isCommitted()) {
            LOG.warn("{} {} (request {}): response already started; cannot send problem {}", ctx.method(), ctx.path(), requestId, code);
            return;
        }
        switch (code) {
            case OVERLOADED -> ctx.header("Retry-After", "1");
            case UNAVAILABLE, TIMEOUT -> ctx.header("Retry-After", "5");
            case UNAUTHENTICATED -> ctx.header("WWW-Authenticate", "Bearer realm=\"consentry\"");
            default -> {
            }
        }
        ctx.attribute(WRITTEN, code);
        Dto.Problem p = new Dto.Problem(code.type(), code.title(), code.status(), detail == null ? code.title() : detail, ctx.path(), code.name(),
                requestId);
        try {
            ctx.status(code.status()).contentType(PROBLEM_MEDIA).result(Json.MAPPER.writeValueAsBytes(p));
        } catch (JsonProcessingException ex) {
            ctx.status(500).contentType("text/plain").result("internal error");
        }
    }
}
