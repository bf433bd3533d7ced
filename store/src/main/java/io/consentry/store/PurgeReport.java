package io.consentry.store;

import java.util.List;

/**
 * What a retention purge removed; each group was audited.
 *
 * @param consentLapsed    templates removed because no valid consent covers them any more (expired or withdrawn)
 * @param retentionExpired templates removed because the subject's last interaction with the collection is older than
 *                         the collection's retention
 * @param erasedSubjects   subjects deleted: no templates left and no interaction for {@link CollectionSpec#MAX_RETENTION}
 */
public record PurgeReport(List<TemplateRef> consentLapsed, List<TemplateRef> retentionExpired, List<String> erasedSubjects) {
    public PurgeReport {
        consentLapsed = List.copyOf(consentLapsed);
        retentionExpired = List.copyOf(retentionExpired);
        erasedSubjects = List.copyOf(erasedSubjects);
    }

    /** All removed templates. */
    public List<TemplateRef> removedTemplates() {
        java.util.ArrayList<TemplateRef> all = new java.util.ArrayList<>(consentLapsed);
        all.addAll(retentionExpired);
        return all;
    }

    public boolean isEmpty() {
        return consentLapsed.isEmpty() && retentionExpired.isEmpty() && erasedSubjects.isEmpty();
    }
}
