package io.consentry.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrolled template as read back from the store, decrypted.
 *
 * <p>The descriptor is in the deployment's <em>search space</em>: the engine descriptor {@code v} multiplied by the
 * deployment's secret orthogonal matrix {@code Q} (see {@code io.consentry.store.crypto.TemplateProtector}). Cosine
 * similarities are the same as between the engine descriptors, so search indexes hold these vectors directly and
 * transform each probe with {@link GalleryStore#toSearchSpace(float[])}. The engine-space descriptor never leaves the
 * enrolment call.
 *
 * @param id                 store-assigned template id
 * @param descriptor         unit vector {@code Q·v} (copied on access)
 * @param quality            enrolment quality in [0, 1]
 * @param sourceImageSha256  hex SHA-256 of the enrolment image
 * @param hasSourceImage     whether the (encrypted) enrolment image is stored
 * @param createdAt          enrolment time
 * @param lastUsedAt         last enrolment or match of this subject in this collection (drives retention)
 */
public record StoredTemplate(String id, String subjectId, String collectionId, String modelId, float[] descriptor, double quality,
                             String sourceImageSha256, boolean hasSourceImage, Instant createdAt, Instant lastUsedAt) {
    public StoredTemplate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(modelId, "modelId");
        descriptor = Objects.requireNonNull(descriptor, "descriptor").clone();
        Objects.requireNonNull(sourceImageSha256, "sourceImageSha256");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    }

    @Override
    public float[] descriptor() {
        return descriptor.clone();
    }

    /** The descriptor's length. */
    public int dimension() {
        return descriptor.length;
    }

    /** A reference without the descriptor. */
    public TemplateRef ref() {
        return new TemplateRef(id, subjectId, collectionId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTemplate t && t.id.equals(id) && t.subjectId.equals(subjectId) && t.collectionId.equals(collectionId)
                && t.modelId.equals(modelId) && java.util.Arrays.equals(t.descriptor, descriptor) && t.quality == quality
                && t.sourceImageSha256.equals(sourceImageSha256) && t.hasSourceImage == hasSourceImage
                && t.createdAt.equals(createdAt) && t.lastUsedAt.equals(lastUsedAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() { // never print the descriptor
        return "StoredTemplate[" + id + ", subject=" + subjectId + ", collection=" + collectionId + ", model=" + modelId
                + ", dim=" + descriptor.length + ", quality=" + quality + "]";
    }
}
