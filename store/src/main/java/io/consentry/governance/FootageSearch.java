package io.consentry.governance;

import io.consentry.store.Authorisation;
import io.consentry.store.Collection;
import io.consentry.store.GalleryException;

import java.util.Optional;

/**
 * A granted, audited search of footage for one subject, from {@link GalleryService#startFootageSearch}. The caller
 * (the video pipeline) computes descriptors of the faces it tracks and asks {@link #similarity} for each; templates
 * never leave the service. {@link #finish} audits the outcome and, for a watchlist, opens a review case: footage hits
 * on a watchlist are candidates until two reviewers confirm them. Thread-safe.
 */
public final class FootageSearch {
    private final GalleryService service;
    private final Actor actor;
    private final Collection collection;
    private final String subjectId;
    private final Optional<Authorisation> authorisation;
    private final String source;
    private volatile boolean finished;

    FootageSearch(GalleryService service, Actor actor, Collection collection, String subjectId, Optional<Authorisation> authorisation,
                  String source) {
        this.service = service;
        this.actor = actor;
        this.collection = collection;
        this.subjectId = subjectId;
        this.authorisation = authorisation;
        this.source = source;
    }

    /** Best cosine similarity of an engine descriptor (L2-normalised) to the subject's templates in the collection. */
    public double similarity(float[] descriptor) throws GalleryException {
        return service.similarityTo(collection.id(), subjectId, descriptor);
    }

    /** The collection's match threshold: segments are built from faces at or above it. */
    public double threshold() {
        return collection.matchThreshold();
    }

    /** Whether hits are only review candidates (watchlist). */
    public boolean needsReview() {
        return authorisation.isPresent();
    }

    /**
     * Audits the result; for a watchlist with segments, opens a review case and returns its id.
     *
     * @param bestCropSha256 hex SHA-256 of the best matching crop (as the audit log hashes rasters), if any
     */
    public Optional<String> finish(int segments, double bestSimilarity, Optional<String> bestCropSha256) throws GalleryException {
        if (finished) {
            throw new IllegalStateException("footage search already finished");
        }
        finished = true;
        return service.finishFootageSearch(this, segments, bestSimilarity, bestCropSha256);
    }

    public Actor actor() {
        return actor;
    }

    public Collection collection() {
        return collection;
    }

    public String subjectId() {
        return subjectId;
    }

    public Optional<Authorisation> authorisation() {
        return authorisation;
    }

    public String source() {
        return source;
    }
}
