package io.consentry.store;

import java.util.List;
import java.util.Objects;

/**
 * The result of erasing a subject (GDPR Art. 17).
 *
 * @param subjectId        the erased subject
 * @param removedTemplates the templates deleted
 * @param consentsRetained consent records kept (subject id, dates, purposes, evidence hash only)
 * @param scrubbed         whether the storage was compacted so that no deleted bytes remain in its files (false
 *                         only when another process held the database open too long; retried by the next
 *                         {@link GalleryStore#scrub()})
 */
public record ErasureReport(String subjectId, List<TemplateRef> removedTemplates, int consentsRetained, boolean scrubbed) {
    public ErasureReport {
        Objects.requireNonNull(subjectId, "subjectId");
        removedTemplates = List.copyOf(removedTemplates);
    }
}
