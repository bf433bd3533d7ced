package io.consentry.search;

/**
 * The shortlist of {@link QuantizedIndex}'s int8 pass: the best {@code capacity} rows by integer score, in a
 * binary min-heap of packed longs {@code score << 32 | ~row} (a higher key is better; equal scores prefer the lower
 * row). One array and one long comparison per step make it several times cheaper than {@link TopK}, which matters
 * because the shortlist is large ({@code k * oversample}). Ties are broken by row, not id: the exact re-rank that
 * follows orders the survivors by id. Not thread-safe: one per scanning thread, merged afterwards.
 */
final class CandidateHeap {

    private final long[] heap;
    private int size;
    private long floor = Long.MIN_VALUE;

    CandidateHeap(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        heap = new long[capacity];
    }

    static long key(int score, int row) {
        return ((long) score << 32) | (~row & 0xFFFF_FFFFL);
    }

    /** Keys at or below this cannot enter; {@link Long#MIN_VALUE} until the heap is full. */
    long floor() {
        return floor;
    }

    /** Offers a key from {@link #key}; callers test {@code key > floor()} first. */
    void offer(long key) {
        if (size < heap.length) {
            int i = size++;
            while (i > 0) { // sift up
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= key) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = key;
            if (size == heap.length) {
                floor = heap[0];
            }
        } else if (key > heap[0]) {
            int i = 0;
            int half = size >>> 1;
            while (i < half) { // sift down
                int child = 2 * i + 1;
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= key) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = key;
            floor = heap[0];
        }
    }

    void addAll(CandidateHeap other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.heap[i]);
        }
    }

    int size() {
        return size;
    }

    /** Row of the {@code i}-th kept key (heap order). */
    int row(int i) {
        return ~(int) heap[i];
    }
}
