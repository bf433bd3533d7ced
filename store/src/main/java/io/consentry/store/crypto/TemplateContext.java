package io.consentry.store.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a ciphertext belongs to; bound to it as AES-GCM associated data, so a ciphertext copied to another row,
 * template or collection fails to decrypt.
 *
 * @param templateId   the template id
 * @param collectionId the template's collection
 * @param kind         descriptor or source image
 */
public record TemplateContext(String templateId, String collectionId, Kind kind) {
    public TemplateContext {
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(kind, "kind");
    }

    /** What is encrypted. */
    public enum Kind {
        DESCRIPTOR, SOURCE_IMAGE
    }

    public static TemplateContext descriptor(String templateId, String collectionId) {
        return new TemplateContext(templateId, collectionId, Kind.DESCRIPTOR);
    }

    public static TemplateContext sourceImage(String templateId, String collectionId) {
        return new TemplateContext(templateId, collectionId, Kind.SOURCE_IMAGE);
    }

    byte[] associatedData() {
        return ("consentry-template-v1\n" + kind + "\n" + templateId + "\n" + collectionId).getBytes(StandardCharsets.UTF_8);
    }
}
