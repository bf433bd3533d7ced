package io.consentry.store;

/**
 * One row of the store's template change journal: a template inserted, deleted or updated (re-encrypted, moved) by any
 * process. Ids only; no biometric data.
 *
 * @param seq journal position, increasing
 * @param op  {@code insert}, {@code delete} or {@code update}
 */
public record TemplateChange(long seq, String templateId, String collectionId, String op) {
}
