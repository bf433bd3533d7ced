/**
 * The tamper-evident audit log: {@link io.consentry.store.audit.AuditEntry} (what happened: ids, hashes, scores,
 * text; by type never a descriptor or an image), sealed into an {@link io.consentry.store.audit.AuditRecord} that
 * carries the SHA-256 of the previous record ({@link io.consentry.store.audit.AuditChain}), verification that reports
 * the first modified, deleted or reordered record, and JSON Lines export/import
 * ({@link io.consentry.store.audit.AuditJsonl}).
 */
package io.consentry.store.audit;
