package io.consentry.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A template to enrol, as produced by the face engine.
 *
 * @param subjectId          the subject (needs a valid consent covering the collection's purpose)
 * @param collectionId       the collection
 * @param modelId            the model pack that produced the descriptor (e.g. {@code faceapi-1.7.15}); descriptors
 *                           of different packs are not comparable
 * @param descriptor         the engine's L2-normalised descriptor (unit length within 1e-3, finite). The store
 *                           protects it (orthogonal transform, then AES-GCM) before writing; the array is copied
 * @param quality            enrolment quality in [0, 1] (detector score × face-size factor; see the service)
 * @param sourceImageSha256  hex SHA-256 of the enrolment image as received (encoded bytes)
 * @param sourceImage        the encoded enrolment image, only for collections with
 *                           {@link CollectionSpec#storeSourceImages()}; stored encrypted
 */
public record NewTemplate(String subjectId, String collectionId, String modelId, float[] descriptor, double quality,
                          String sourceImageSha256, Optional<byte[]> sourceImage) {
    public NewTemplate {
        Checks.id("subject id", subjectId);
        Checks.id("collection id", collectionId);
        modelId = Checks.text("model id", modelId, 100);
        Objects.requireNonNull(descriptor, "descriptor");
        descriptor = descriptor.clone();
        requireUnit(descriptor);
        if (!(quality >= 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality must be in [0, 1], got " + quality);
        }
        sourceImageSha256 = Checks.sha256("source image hash", sourceImageSha256);
        sourceImage = Checks.opt(sourceImage).map(byte[]::clone);
    }

    /** A template without a stored source image. */
    public static NewTemplate of(String subjectId, String collectionId, String modelId, float[] descriptor, double quality,
                                 String sourceImageSha256) {
        return new NewTemplate(subjectId, collectionId, modelId, descriptor, quality, sourceImageSha256, Optional.empty());
    }

    @Override
    public float[] descriptor() {
        return descriptor.clone();
    }

    static void requireUnit(float[] v) {
        if (v.length == 0 || v.length > 4096) {
            throw new IllegalArgumentException("descriptor length must be 1..4096, got " + v.length);
        }
        double n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("descriptor has a non-finite component");
            }
            n += (double) x * x;
        }
        if (Math.abs(Math.sqrt(n) - 1) > 1e-3) {
            throw new IllegalArgumentException("descriptor must be L2-normalised (unit length), its norm is " + Math.sqrt(n));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewTemplate t && t.subjectId.equals(subjectId) && t.collectionId.equals(collectionId)
                && t.modelId.equals(modelId) && java.util.Arrays.equals(t.descriptor, descriptor) && t.quality == quality
                && t.sourceImageSha256.equals(sourceImageSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subjectId, collectionId, modelId, sourceImageSha256);
    }

    @Override
    public String toString() { // never print the descriptor or the image: biometric data
        return "NewTemplate[subject=" + subjectId + ", collection=" + collectionId + ", model=" + modelId + ", dim="
                + descriptor.length + ", quality=" + quality + ", image=" + sourceImageSha256 + "]";
    }
}
