package io.consentry.store;

import java.util.Objects;

/** Which template (of whom, in which collection), without the descriptor: what removals report. */
public record TemplateRef(String templateId, String subjectId, String collectionId) {
    public TemplateRef {
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(collectionId, "collectionId");
    }
}
