package io.consentry.store;

import java.util.List;
import java.util.Optional;

/**
 * A review case to open for watchlist hits.
 *
 * @param collectionId     the watchlist collection searched
 * @param authorisationId  the authorisation the search ran under
 * @param probeImageSha256 hex SHA-256 of the probe image (the image itself is not kept)
 * @param source           where the probe came from (camera or site id), if given
 * @param candidates       the hits at or above the collection's threshold, best first (at least one)
 */
public record ReviewCaseSpec(String collectionId, String authorisationId, String probeImageSha256, Optional<String> source,
                             List<ReviewCandidate> candidates) {
    public ReviewCaseSpec {
        Checks.id("collection id", collectionId);
        Checks.id("authorisation id", authorisationId);
        probeImageSha256 = Checks.sha256("probe image hash", probeImageSha256);
        source = Checks.opt(source);
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a review case needs at least one candidate");
        }
    }
}
