/** The facade: {@link io.consentry.engine.FaceEngine} composes detector, landmarks and descriptor. */
package io.consentry.engine;
