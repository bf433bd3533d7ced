/** Descriptors: the recognition net and the L2-normalised {@link io.consentry.embed.Embedding} record. */
package io.consentry.embed;
