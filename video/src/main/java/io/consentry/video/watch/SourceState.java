package io.consentry.video.watch;

import java.util.Locale;

/** Lifecycle of a watched source. */
public enum SourceState {
    /** Opening the source for the first time. */
    CONNECTING,
    /** Frames are being read and processed. */
    RUNNING,
    /** A live source dropped or stalled; waiting (with backoff) to reopen it. */
    RECONNECTING,
    /** Ended normally: a file reached its end, or the watch was stopped. */
    STOPPED,
    /** Gave up: a file could not be read, a live source could not be reopened, or governance refused recognition. */
    FAILED;

    /** E.g. {@code "reconnecting"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String json() {
        return wireName();
    }
}
