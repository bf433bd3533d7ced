/**
 * Templates at rest: {@link io.consentry.store.crypto.DeploymentKeys} (the per-deployment secret from a 0600 key file
 * or {@code CONSENTRY_KEY}), {@link io.consentry.store.crypto.OrthogonalTransform} (the secret random rotation that
 * preserves cosine similarity and makes templates of different deployments unlinkable) and
 * {@link io.consentry.store.crypto.TemplateProtector} (transform, then AES-256-GCM bound to the template's id).
 */
package io.consentry.store.crypto;
