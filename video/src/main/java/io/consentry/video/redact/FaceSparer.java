package io.consentry.video.redact;

import io.consentry.ConsentryException;
import io.consentry.image.RgbImage;

/**
 * Decides whether a face stays visible in a redacted output: true only for a consenting enrolled person (see
 * {@link GallerySparer}). Called once per face in an image and once per track in a video, with a crop around the
 * face's best view.
 */
@FunctionalInterface
public interface FaceSparer {
    /** Whether the largest face in {@code crop} is to stay visible. */
    boolean spare(RgbImage crop) throws ConsentryException;

    /** Spares nobody: every face is redacted. */
    FaceSparer NOBODY = crop -> false;
}
