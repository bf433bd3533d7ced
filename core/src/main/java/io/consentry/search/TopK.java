package io.consentry.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded selection of the best {@code capacity} rows by score: a binary min-heap whose root is the worst row
 * kept. "Better" is a higher score, or an equal score and a smaller id, so the selection is deterministic under
 * ties and matches {@link SearchHit#ORDER}. Not thread-safe: one per scanning thread, merged afterwards.
 *
 * <p>Scan loops test {@code score >= floor()} before calling {@link #offer}: after the heap fills up, almost every
 * row fails that one comparison (about {@code capacity * ln(rows / capacity)} rows enter on random data).
 */
final class TopK {

    private final int capacity;
    private final String[] ids;
    private final int[] rows;
    private final float[] scores;
    private int size;
    private float floor = Float.NEGATIVE_INFINITY;

    /**
     * @param capacity rows to keep, at least 1
     * @param ids      id of each row, for tie-breaking and results
     */
    TopK(int capacity, String[] ids) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.ids = ids;
        this.rows = new int[capacity];
        this.scores = new float[capacity];
    }

    /** Scores below this cannot enter; negative infinity until the heap is full. */
    float floor() {
        return floor;
    }

    int size() {
        return size;
    }

    /** Offers a row; returns whether it was kept. */
    boolean offer(int row, float score) {
        if (size < capacity) {
            rows[size] = row;
            scores[size] = score;
            siftUp(size++);
            if (size == capacity) {
                floor = scores[0];
            }
            return true;
        }
        if (!worse(rows[0], scores[0], row, score)) {
            return false;
        }
        rows[0] = row;
        scores[0] = score;
        siftDown(0);
        floor = scores[0];
        return true;
    }

    /** Offers every row of {@code other}. */
    void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.rows[i], other.scores[i]);
        }
    }

    /** The kept rows, in heap (not sorted) order. */
    int[] rows() {
        return java.util.Arrays.copyOf(rows, size);
    }

    /** The kept rows as hits, best first. */
    List<SearchHit> toHits() {
        List<SearchHit> hits = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            hits.add(new SearchHit(ids[rows[i]], scores[i]));
        }
        hits.sort(SearchHit.ORDER);
        return hits;
    }

    /** Whether row a (score sa) ranks below row b (score sb). */
    private boolean worse(int a, float sa, int b, float sb) {
        return sa < sb || (sa == sb && ids[a].compareTo(ids[b]) > 0);
    }

    private void siftUp(int i) {
        int row = rows[i];
        float score = scores[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(row, score, rows[parent], scores[parent])) {
                break;
            }
            rows[i] = rows[parent];
            scores[i] = scores[parent];
            i = parent;
        }
        rows[i] = row;
        scores[i] = score;
    }

    private void siftDown(int i) {
        int row = rows[i];
        float score = scores[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && worse(rows[right], scores[right], rows[child], scores[child])) {
                child = right;
            }
            if (!worse(rows[child], scores[child], row, score)) {
                break;
            }
            rows[i] = rows[child];
            scores[i] = scores[child];
            i = child;
        }
        rows[i] = row;
        scores[i] = score;
    }
}
