/**
 * Persistent gallery state behind the {@link io.consentry.store.GalleryStore} interface: typed immutable records
 * (collections with purpose, retention and threshold; subjects; consents; protected templates; watchlist
 * authorisations; review cases; API keys), the {@link io.consentry.store.GalleryException} family with stable
 * {@link io.consentry.store.ErrorCode}s, and the embedded {@link io.consentry.store.SqliteGalleryStore}.
 * Sub-packages: {@code crypto} (template protection, deployment keys) and {@code audit} (hash-chained audit log).
 */
package io.consentry.store;
