package io.consentry.cli.gallery;

import io.consentry.store.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every store error code has a documented exit code; option times parse in every documented form. */
class GalleryExitCodesTest {
    @Test
    void everyErrorCodeMapsToADocumentedExitCode() {
        for (ErrorCode c : ErrorCode.values()) {
            assertNotEquals(GalleryExitCodes.INTERNAL, GalleryExitCodes.of(c), c.wireName());
        }
        assertEquals(GalleryExitCodes.NO_FACE, GalleryExitCodes.of(ErrorCode.NO_FACE));
        assertEquals(GalleryExitCodes.REFUSED, GalleryExitCodes.of(ErrorCode.CONSENT_REQUIRED));
        assertEquals(GalleryExitCodes.REFUSED, GalleryExitCodes.of(ErrorCode.FORBIDDEN));
        assertEquals(GalleryExitCodes.REFUSED, GalleryExitCodes.of(ErrorCode.AUTHORISATION_REQUIRED));
        assertEquals(GalleryExitCodes.BAD_INPUT, GalleryExitCodes.of(ErrorCode.NOT_FOUND));
        assertEquals(GalleryExitCodes.BAD_INPUT, GalleryExitCodes.of(ErrorCode.CONFLICT));
        assertEquals(GalleryExitCodes.BAD_INPUT, GalleryExitCodes.of(ErrorCode.BAD_IMAGE));
        assertEquals(GalleryExitCodes.STORAGE, GalleryExitCodes.of(ErrorCode.STORAGE_FULL));
        assertEquals(GalleryExitCodes.MODEL, GalleryExitCodes.of(ErrorCode.ENGINE_ERROR));
    }

    @Test
    void timesParseInEveryDocumentedForm() {
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        assertEquals(Instant.parse("2027-01-31T00:00:00Z"), CliValues.time("--expires", "2027-01-31", now));
        assertEquals(Instant.parse("2027-01-31T12:00:00Z"), CliValues.time("--expires", "2027-01-31T12:00:00Z", now));
        assertEquals(Instant.parse("2027-01-31T10:00:00Z"), CliValues.time("--expires", "2027-01-31T12:00:00+02:00", now));
        assertEquals(Instant.parse("2027-01-31T12:00:00Z"), CliValues.time("--expires", "2027-01-31T12:00", now));
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), CliValues.time("--expires", "P1Y", now));
        assertEquals(Instant.parse("2025-03-31T10:00:00Z"), CliValues.time("--expires", "P30D", now));
        assertEquals(Instant.parse("2025-03-01T22:00:00Z"), CliValues.time("--expires", "PT12H", now));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CliValues.time("--expires", "next year", now));
        assertEquals(true, e.getMessage().startsWith("--expires: cannot read 'next year'"));
    }
}
