package io.consentry.governance;

import io.consentry.geometry.Box;

import java.util.Objects;

/**
 * The result of {@link GalleryService#enrol}: which template was stored (never the descriptor).
 *
 * @param templateId   the new template
 * @param quality      detector score × face-size factor, in [0, 1] ({@link GalleryService#quality})
 * @param face         the enrolled face's box in image pixels
 * @param imageSha256  hex SHA-256 of the input image
 */
public record Enrolment(String templateId, String subjectId, String collectionId, double quality, Box face, String imageSha256) {
    public Enrolment {
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(face, "face");
        Objects.requireNonNull(imageSha256, "imageSha256");
    }
}
