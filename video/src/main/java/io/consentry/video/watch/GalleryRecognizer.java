package io.consentry.video.watch;

import io.consentry.ConsentryException;
import io.consentry.governance.Actor;
import io.consentry.governance.Candidate;
import io.consentry.governance.GalleryService;
import io.consentry.governance.IdentifyResult;
import io.consentry.governance.ImageInput;
import io.consentry.governance.MatchStatus;
import io.consentry.image.RgbImage;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;

import java.util.Comparator;
import java.util.Optional;

/**
 * Recognition through the {@link GalleryService}: every attempt is an identify call with the source's name, so the
 * caller's role, the watchlist authorisation's scope (which must include the source) and the audit trail all apply,
 * and watchlist hits become review cases. Nothing is reported as a confirmed identity for a watchlist.
 */
public final class GalleryRecognizer implements Recognizer {
    private final GalleryService gallery;
    private final Actor actor;
    private final String collectionId;
    private final String source;

    /**
     * @throws GalleryException when the actor may not identify, the collection does not exist, or (watchlist) no valid
     *                          authorisation covers the collection and {@code source}
     */
    public GalleryRecognizer(GalleryService gallery, Actor actor, String collectionId, String source) throws GalleryException {
        this.gallery = gallery;
        this.actor = actor;
        this.collectionId = collectionId;
        this.source = source;
        gallery.checkCanIdentify(actor, collectionId, Optional.of(source)); // role, collection, watchlist authorisation: fail early
    }

    @Override
    public Optional<Recognition> recognise(RgbImage crop) throws ConsentryException {
        IdentifyResult r;
        try {
            r = gallery.identify(actor, collectionId, ImageInput.of(crop), 1, Optional.of(source));
        } catch (GalleryException e) {
            if (e.code() == ErrorCode.NO_FACE) {
                return Optional.empty();
            }
            throw e;
        }
        Optional<Candidate> best = r.candidates().stream().filter(c -> c.status() != MatchStatus.NO_MATCH)
                .max(Comparator.comparingDouble(Candidate::similarity));
        if (best.isEmpty()) {
            return Optional.empty();
        }
        Candidate c = best.get();
        boolean review = c.status() == MatchStatus.REVIEW_CANDIDATE;
        Optional<String> label = review ? Optional.of("review candidate") : nameOf(c.subjectId());
        return Optional.of(new Recognition(c.subjectId(), label, c.similarity(), review ? "review-candidate" : "match", r.reviewCaseId(),
                ImageInput.rasterSha256(crop)));
    }

    private Optional<String> nameOf(String subjectId) {
        try {
            return Optional.of(gallery.store().subject(subjectId).displayName());
        } catch (GalleryException e) {
            return Optional.empty();
        }
    }
}
