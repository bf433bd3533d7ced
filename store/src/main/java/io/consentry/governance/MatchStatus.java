package io.consentry.governance;

/** What a search result means. */
public enum MatchStatus {
    /** At or above the collection's threshold (never used for watchlist collections). */
    MATCH,
    /** Below the threshold: reported for information only, not an identification. */
    NO_MATCH,
    /**
     * A watchlist hit at or above the threshold: a candidate for human review only, never an identification. It
     * becomes one only when two different reviewers confirm it in the review case.
     */
    REVIEW_CANDIDATE
}
