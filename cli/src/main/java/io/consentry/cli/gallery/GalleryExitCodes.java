package io.consentry.cli.gallery;

import io.consentry.cli.ExitCodes;
import io.consentry.store.ErrorCode;

/**
 * Exit codes of the gallery commands: those of {@link ExitCodes} (0 ok, 1 no face, 2 usage, 3 bad input, 4 model,
 * 70 internal) plus three for outcomes that are not the caller's typing mistake.
 *
 * <table>
 *   <caption>Store error code to exit code</caption>
 *   <tr><th>exit</th><th>{@link ErrorCode}</th></tr>
 *   <tr><td>1</td><td>no-face</td></tr>
 *   <tr><td>3</td><td>invalid-input, bad-image, multiple-faces, not-found, conflict</td></tr>
 *   <tr><td>4</td><td>engine-error</td></tr>
 *   <tr><td>5</td><td>consent-required, forbidden, authorisation-required, unauthenticated</td></tr>
 *   <tr><td>6</td><td>storage-full, storage-busy, storage-error, key-error, closed</td></tr>
 *   <tr><td>7</td><td>(audit verify: the chain is broken)</td></tr>
 * </table>
 */
public final class GalleryExitCodes {
    public static final int OK = ExitCodes.OK;
    /** No face in an enrolment or probe image. */
    public static final int NO_FACE = ExitCodes.NO_FACE;
    /** Bad command line (unknown option, missing value, inconsistent options). */
    public static final int USAGE = ExitCodes.USAGE;
    /** Bad input: unknown id, duplicate, argument out of range, unreadable image, several faces in an enrolment image. */
    public static final int BAD_INPUT = ExitCodes.BAD_INPUT;
    /** Model pack missing or unusable, or the face engine failed. */
    public static final int MODEL = ExitCodes.MODEL;
    /**
     * Refused by governance: no valid consent or legal basis for the collection's purpose, the role may not do this,
     * no watchlist authorisation covers the collection and source, or an unknown API key.
     */
    public static final int REFUSED = 5;
    /**
     * The gallery database or the key file cannot be used: disk or quota full (nothing was written), locked by
     * another process beyond the busy timeout (retry), corrupt or newer file, missing or wrong key.
     */
    public static final int STORAGE = 6;
    /** {@code audit verify}: the hash chain is broken or does not contain an expected (published) head. */
    public static final int AUDIT_BROKEN = 7;
    /** A bug: one line on stderr, details with {@code CONSENTRY_DEBUG=1}. */
    public static final int INTERNAL = ExitCodes.INTERNAL;

    private GalleryExitCodes() {
    }

    /** The exit code for a store or governance error code. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case NO_FACE -> NO_FACE;
            case INVALID_INPUT, BAD_IMAGE, MULTIPLE_FACES, NOT_FOUND, CONFLICT -> BAD_INPUT;
            case ENGINE_ERROR -> MODEL;
            case CONSENT_REQUIRED, FORBIDDEN, AUTHORISATION_REQUIRED, UNAUTHENTICATED -> REFUSED;
            case STORAGE_FULL, STORAGE_BUSY, STORAGE_ERROR, KEY_ERROR, CLOSED -> STORAGE;
            default -> INTERNAL;
        };
    }
}
