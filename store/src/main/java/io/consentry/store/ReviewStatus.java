package io.consentry.store;

/** State of a watchlist review case. */
public enum ReviewStatus {
    /** Awaiting decisions: the hits are only candidates. */
    PENDING,
    /** Two different reviewers confirmed the same candidate. */
    CONFIRMED,
    /** A reviewer rejected the hits (one rejection closes the case: the system errs on the side of no identification). */
    REJECTED
}
