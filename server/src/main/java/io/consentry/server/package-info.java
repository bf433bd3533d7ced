/**
 * The REST server: {@link io.consentry.server.ConsentryServer} serves the {@link io.consentry.server.Routes route
 * table} under {@code /api/v1} in front of a {@link io.consentry.governance.GalleryService}. One access check
 * ({@code AccessControl}: API key → actor → the route's declared roles), one request parser ({@link
 * io.consentry.server.Call}), one exception mapper (RFC 9457 problems with a {@link io.consentry.server.ProblemCode}),
 * a bounded inference gate (429/503) and hand-written Prometheus metrics. The OpenAPI document is generated from the
 * route table.
 */
package io.consentry.server;
