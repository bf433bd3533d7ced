package io.consentry.eval;

import java.nio.file.Path;

/**
 * One labelled pair of a verification protocol.
 *
 * @param a      first image
 * @param b      second image
 * @param same   true for a genuine (same person) pair
 * @param fold   0-based fold of the 10-fold protocol
 * @param source {@code file:line} the pair came from, for messages
 */
public record VerificationPair(Path a, Path b, boolean same, int fold, String source) {
}
