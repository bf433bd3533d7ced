/**
 * The governance layer: {@link io.consentry.governance.GalleryService}, which the REST server and the CLI call with
 * an {@link io.consentry.governance.Actor} on every call. It checks roles ({@link io.consentry.governance.Permission}),
 * enforces consent and watchlist rules, runs detection and embedding with the face engine, keeps one search index per
 * collection in the protected space, writes the audit trail and runs the retention scheduler. Results are typed
 * records ({@link io.consentry.governance.IdentifyResult}, {@link io.consentry.governance.VerifyResult},
 * {@link io.consentry.governance.Enrolment}); no attribute, emotion or demographic inference exists here or anywhere.
 */
package io.consentry.governance;
