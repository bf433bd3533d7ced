package io.consentry.governance;

import io.consentry.geometry.Box;
import io.consentry.store.Purpose;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of a 1:N {@link GalleryService#identify}.
 *
 * @param collectionId  the collection searched
 * @param purpose       its purpose
 * @param threshold     its match threshold (cosine similarity)
 * @param probeFace     the face searched for (the largest in the image)
 * @param facesInImage  how many faces the image had (only the largest is searched)
 * @param candidates    best first, one per subject, at most k. For a watchlist, only hits at or above the threshold,
 *                      all {@link MatchStatus#REVIEW_CANDIDATE}
 * @param reviewCaseId  for a watchlist with hits: the review case opened for them
 */
public record IdentifyResult(String collectionId, Purpose purpose, double threshold, Box probeFace, int facesInImage,
                             List<Candidate> candidates, Optional<String> reviewCaseId) {
    public IdentifyResult {
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(probeFace, "probeFace");
        candidates = List.copyOf(candidates);
        reviewCaseId = reviewCaseId == null ? Optional.empty() : reviewCaseId;
    }

    /** The best candidate if it is a {@link MatchStatus#MATCH} (never for a watchlist). */
    public Optional<Candidate> bestMatch() {
        return candidates.isEmpty() || !candidates.get(0).match() ? Optional.empty() : Optional.of(candidates.get(0));
    }
}
