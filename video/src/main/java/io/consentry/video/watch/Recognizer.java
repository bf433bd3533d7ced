package io.consentry.video.watch;

import io.consentry.ConsentryException;
import io.consentry.image.RgbImage;

import java.util.Optional;

/** Identifies the face in a crop taken around a track's best view. */
@FunctionalInterface
public interface Recognizer {
    /**
     * A recognition at or above the collection's threshold, or empty.
     *
     * @throws ConsentryException a refusal (no authorisation for the source, role) ends the watch with FAILED
     */
    Optional<Recognition> recognise(RgbImage crop) throws ConsentryException;

    /**
     * @param label  what a live view may draw: the subject's name for a match, "review candidate" on a watchlist
     * @param status {@code match} or {@code review-candidate}
     */
    record Recognition(String subjectId, Optional<String> label, double similarity, String status, Optional<String> caseId,
                       String cropSha256) {
    }
}
