/** Consentry core: the root exception type; see {@link io.consentry.engine.FaceEngine} for the happy path. */
package io.consentry;
