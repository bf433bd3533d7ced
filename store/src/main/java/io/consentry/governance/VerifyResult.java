package io.consentry.governance;

import io.consentry.geometry.Box;

import java.util.Objects;

/**
 * The result of a 1:1 {@link GalleryService#verify}.
 *
 * @param similarity        best cosine similarity of the probe to the subject's templates in the collection, [-1, 1]
 * @param match             {@code similarity >= threshold}
 * @param threshold         the collection's match threshold
 * @param probeFace         the face compared (the largest in the image)
 * @param templatesCompared how many of the subject's templates were compared
 */
public record VerifyResult(String subjectId, String collectionId, double similarity, boolean match, double threshold, Box probeFace,
                           int templatesCompared) {
    public VerifyResult {
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(probeFace, "probeFace");
    }
}
