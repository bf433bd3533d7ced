package io.consentry.search;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Row-major storage of unit vectors with their ids: one contiguous {@code float[capacity * dim]} (row {@code r}
 * occupies {@code [r * dim, (r + 1) * dim)}), a parallel {@code String[]} of ids and an id-to-row map. Rows
 * {@code [0, size)} are live and dense: removal moves the last row into the hole, so scans never skip. Capacity
 * doubles when full (amortised O(dim) per add); at most {@code (Integer.MAX_VALUE - 8) / dim} rows (16.7 million
 * at dim 128) fit one Java array.
 *
 * <p>Not thread-safe: the owning index guards it with its lock.
 */
final class VectorRows {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final int dim;
    private final int initialCapacity;
    private final Map<String, Integer> rowOf = new HashMap<>();
    private float[] data;
    private String[] ids;
    private int size;

    VectorRows(int dim, int initialCapacity) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dim);
        }
        this.dim = dim;
        this.initialCapacity = Math.max(1, Math.min(initialCapacity, maxRows()));
        this.data = new float[this.initialCapacity * dim];
        this.ids = new String[this.initialCapacity];
    }

    int dim() {
        return dim;
    }

    int size() {
        return size;
    }

    int capacity() {
        return ids.length;
    }

    int maxRows() {
        return MAX_ARRAY / dim;
    }

    /** The backing array; valid until the next write. */
    float[] data() {
        return data;
    }

    /** Ids by row; valid until the next write. */
    String[] ids() {
        return ids;
    }

    /** Row of {@code id}, or -1. */
    int rowOf(String id) {
        Integer r = rowOf.get(id);
        return r == null ? -1 : r;
    }

    /**
     * Stores {@code v} under {@code id} (a new row at the end, or over the existing row of {@code id}) and returns
     * its row. May grow the arrays: callers keeping parallel per-row arrays compare {@link #capacity()}.
     */
    /** Exact dot product of {@code query} with the row stored under {@code id}; empty when absent. Caller holds a read lock. */
    java.util.OptionalDouble similarity(String id, float[] query) {
        int row = rowOf(id);
        return row < 0 ? java.util.OptionalDouble.empty()
                : java.util.OptionalDouble.of(VectorUtil.IMPL.dot(query, 0, data(), row * dim(), dim()));
    }

    int put(String id, float[] v) {
        int row = rowOf(id);
        if (row < 0) {
            if (size == ids.length) {
                grow();
            }
            row = size++;
            ids[row] = id;
            rowOf.put(id, row);
        }
        System.arraycopy(v, 0, data, row * dim, dim);
        return row;
    }

    /**
     * Removes {@code id}. Returns its former row (the hole, which now holds what was the last row, unless the hole
     * was the last row), or -1 if absent. After the call, the moved row's old index is {@link #size()}.
     */
    int remove(String id) {
        Integer boxed = rowOf.remove(id);
        if (boxed == null) {
            return -1;
        }
        int hole = boxed;
        int last = --size;
        if (hole != last) {
            System.arraycopy(data, last * dim, data, hole * dim, dim);
            ids[hole] = ids[last];
            rowOf.put(ids[hole], hole);
        }
        ids[last] = null;
        return hole;
    }

    /** Removes every row and shrinks back to the initial capacity (releasing a large index's memory). */
    void clear() {
        rowOf.clear();
        size = 0;
        data = new float[initialCapacity * dim];
        ids = new String[initialCapacity];
    }

    private void grow() {
        int max = maxRows();
        if (ids.length >= max) {
            throw new IllegalStateException("index is full: " + ids.length + " rows of dimension " + dim
                    + " is the most one Java array holds");
        }
        int cap = (int) Math.min((long) ids.length * 2, max);
        data = Arrays.copyOf(data, cap * dim);
        ids = Arrays.copyOf(ids, cap);
    }
}
