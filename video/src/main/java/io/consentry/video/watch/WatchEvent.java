package io.consentry.video.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.consentry.geometry.Box;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link WatchSession} reports, one JSON object per event with its kind in {@code "event"} (JSON lines on the
 * CLI, Server-Sent Events in the service). Times are milliseconds of stream time (the frame's presentation time);
 * boxes are frame pixels. No event carries pixels or descriptors: a candidate names the crop only by its SHA-256 (the
 * same hash the audit record of the search holds).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
        @JsonSubTypes.Type(value = WatchEvent.TrackStarted.class, name = "track-started"),
        @JsonSubTypes.Type(value = WatchEvent.TrackEnded.class, name = "track-ended"),
        @JsonSubTypes.Type(value = WatchEvent.Candidate.class, name = "candidate"),
        @JsonSubTypes.Type(value = WatchEvent.Tracks.class, name = "tracks"),
        @JsonSubTypes.Type(value = WatchEvent.Stats.class, name = "stats"),
        @JsonSubTypes.Type(value = WatchEvent.StateChanged.class, name = "state"),
})
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public sealed interface WatchEvent {
    /** The source's name (its id in the service). */
    String source();

    /** The SSE event name, e.g. {@code "track-started"}. */
    default String eventName() {
        JsonSubTypes types = WatchEvent.class.getAnnotation(JsonSubTypes.class);
        for (JsonSubTypes.Type t : types.value()) {
            if (t.value() == getClass()) {
                return t.name();
            }
        }
        return getClass().getSimpleName();
    }

    /** A face was tracked long enough to be confirmed. */
    record TrackStarted(String source, long trackId, long frame, long timeMs, Box box) implements WatchEvent {
    }

    /**
     * A track ended (left the view, or the stream ended).
     *
     * @param subjectId  the best identity over the track's life, if any recognition matched
     * @param similarity its similarity
     * @param status     {@code match} or {@code review-candidate}
     */
    record TrackEnded(String source, long trackId, long firstMs, long lastMs, int detections, Optional<String> subjectId,
                      Optional<Double> similarity, Optional<String> status) implements WatchEvent {
    }

    /**
     * Recognition of a track found a subject at or above the collection's threshold.
     *
     * @param status     {@code match}, or {@code review-candidate} for a watchlist (then {@code caseId} names the review
     *                   case that two reviewers must decide)
     * @param frameMs    time of the frame the crop came from (the track's best view so far)
     * @param cropSha256 hex SHA-256 of the crop as the audit log records it
     */
    record Candidate(String source, long trackId, String subjectId, Optional<String> label, double similarity, String status,
                     Optional<String> caseId, long frame, long frameMs, String cropSha256) implements WatchEvent {
    }

    /** The tracked faces in one processed frame (throttled), for live views. */
    record Tracks(String source, long frame, long timeMs, int width, int height, List<TrackBox> tracks) implements WatchEvent {
        public Tracks {
            tracks = List.copyOf(tracks);
        }
    }

    /** One face in a {@link Tracks} event; {@code label} is the matched subject's name, or "review candidate". */
    record TrackBox(long trackId, Box box, boolean detected, Optional<String> label, Optional<Double> score) {
    }

    /** Periodic counters. {@code fps} is frames read per second of wall time since the last stats event. */
    record Stats(String source, SourceState state, long framesRead, long framesDetected, long framesSkipped, double fps, int activeTracks,
                 long tracksStarted, long recognitions, long reconnects) implements WatchEvent {
    }

    /** The source's state changed; {@code message} says why (an error, a reconnect attempt). */
    record StateChanged(String source, SourceState state, Optional<String> message) implements WatchEvent {
    }
}
