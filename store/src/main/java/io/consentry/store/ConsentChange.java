package io.consentry.store;

import java.util.List;
import java.util.Objects;

/**
 * The result of withdrawing a consent.
 *
 * @param consent          the consent, now withdrawn
 * @param removedTemplates templates deleted because no other valid consent covers their collection's purpose
 */
public record ConsentChange(Consent consent, List<TemplateRef> removedTemplates) {
    public ConsentChange {
        Objects.requireNonNull(consent, "consent");
        removedTemplates = List.copyOf(removedTemplates);
    }
}
