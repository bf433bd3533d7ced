package io.consentry.store;

/** A reviewer's decision on a watchlist case. */
public enum Verdict {
    /** The probe shows the named candidate. */
    CONFIRM,
    /** None of the candidates is the person in the probe. */
    REJECT
}
