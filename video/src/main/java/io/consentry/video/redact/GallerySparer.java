package io.consentry.video.redact;

import io.consentry.ConsentryException;
import io.consentry.governance.Actor;
import io.consentry.governance.Candidate;
import io.consentry.governance.GalleryService;
import io.consentry.governance.IdentifyResult;
import io.consentry.governance.ImageInput;
import io.consentry.image.RgbImage;
import io.consentry.store.Collection;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;

import java.util.Optional;

/**
 * Spares the faces of people enrolled (with consent, which enrolment requires) in one collection: each face is
 * identified against the collection through the {@link GalleryService} (so the caller's role is checked and every
 * search is audited), and a face is left visible only when a subject matches at or above the collection's
 * threshold. Watchlist collections are refused: sparing is for consenting people, not persons of interest.
 */
public final class GallerySparer implements FaceSparer {
    private final GalleryService gallery;
    private final Actor actor;
    private final Collection collection;
    private int spared;
    private int checked;

    /**
     * @throws GalleryException when the collection does not exist, the actor may not use it, or it is a watchlist
     */
    public GallerySparer(GalleryService gallery, Actor actor, String collectionId) throws GalleryException {
        this.gallery = gallery;
        this.actor = actor;
        this.collection = gallery.collection(actor, collectionId);
        if (collection.purpose().requiresAuthorisation()) {
            throw new io.consentry.store.AccessDeniedException(ErrorCode.FORBIDDEN, "collection '" + collection.name()
                    + "' is a watchlist: only a collection of consenting enrolled people can be spared from redaction");
        }
    }

    @Override
    public synchronized boolean spare(RgbImage crop) throws ConsentryException {
        checked++;
        IdentifyResult r;
        try {
            r = gallery.identify(actor, collection.id(), ImageInput.of(crop), 1, Optional.empty());
        } catch (GalleryException e) {
            if (e.code() == ErrorCode.NO_FACE) {
                return false; // the crop lost the face (e.g. a blurred view): redact it
            }
            throw e;
        }
        boolean match = r.candidates().stream().anyMatch(Candidate::match);
        if (match) {
            spared++;
        }
        return match;
    }

    /** Faces (or tracks) checked so far. */
    public synchronized int checked() {
        return checked;
    }

    /** Faces (or tracks) left visible so far. */
    public synchronized int spared() {
        return spared;
    }

    public Collection collection() {
        return collection;
    }
}
