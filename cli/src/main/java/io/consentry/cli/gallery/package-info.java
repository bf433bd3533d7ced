/**
 * The local, offline gallery commands of {@code consentry}: collections, subjects, consents, enrolment, 1:1 and 1:N
 * search, watchlist review and authorisations, the audit trail, keys and retention. Each command parses its
 * arguments, makes one {@link io.consentry.governance.GalleryService} call through {@link
 * io.consentry.cli.gallery.GalleryContext} as the local operator ({@link io.consentry.cli.gallery.ActorArgs}), and
 * prints text or {@code --json}. Store and governance errors become one line on stderr and an exit code from
 * {@link io.consentry.cli.gallery.GalleryExitCodes}.
 */
package io.consentry.cli.gallery;
