package io.consentry.track;

import java.util.Arrays;

/**
 * Optimal one-to-one assignment on a rectangular cost matrix (the Hungarian method with potentials, Jonker-Volgenant
 * style shortest augmenting paths): {@code O(r² c)} time for {@code r <= c}, the smaller side is always taken as
 * rows. A dense random 40 x 40 matrix takes about 20-40 µs, 100 x 100 about 0.4-0.6 ms (tracking matrices,
 * where each row has one or two cheap entries, are several times faster).
 *
 * <p>Matrices are flat, row-major {@code double[]}: entry {@code (i, j)} is {@code cost[i * cols + j]}.
 *
 * <pre>{@code
 * int[] colOfRow = LinearAssignment.solveWithLimit(cost, tracks, detections, 1.0);
 * // colOfRow[i] = detection matched to track i, or -1
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class LinearAssignment {
    private LinearAssignment() {
    }

    /**
     * Assigns {@code min(rows, cols)} pairs with the smallest total cost.
     *
     * @param cost finite costs, row-major
     * @return for each row its column, or -1 when {@code rows > cols} and the row is left out
     */
    public static int[] solve(double[] cost, int rows, int cols) {
        checkShape(cost, rows, cols);
        for (double c : cost) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("costs must be finite, found " + c);
            }
        }
        int[] colOfRow = new int[rows];
        Arrays.fill(colOfRow, -1);
        if (rows == 0 || cols == 0) {
            return colOfRow;
        }
        if (rows <= cols) {
            return hungarian(cost, rows, cols);
        }
        double[] t = new double[cols * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = cost[i * cols + j];
            }
        }
        int[] rowOfCol = hungarian(t, cols, rows);
        for (int j = 0; j < cols; j++) {
            colOfRow[rowOfCol[j]] = j;
        }
        return colOfRow;
    }

    /** {@link #solve(double[], int, int)} on a {@code double[rows][cols]} matrix (rows of equal length). */
    public static int[] solve(double[][] cost) {
        int rows = cost.length;
        int cols = rows == 0 ? 0 : cost[0].length;
        double[] flat = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (cost[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + cost[i].length + " columns, expected " + cols);
            }
            System.arraycopy(cost[i], 0, flat, i * cols, cols);
        }
        return solve(flat, rows, cols);
    }

    /**
     * Partial assignment: any row or column may stay unmatched, and a pair whose cost is not below
     * {@code costLimit} is never matched. Minimises {@code Σ (cost − costLimit)} over the matched pairs, i.e. a pair
     * is worth {@code costLimit − cost}; equivalently, leaving a row and a column unmatched costs {@code costLimit}
     * (lapjv's {@code cost_limit}).
     *
     * @param cost      row-major; {@code +∞} marks a forbidden pair, NaN is rejected
     * @param costLimit finite
     * @return for each row its column, or -1
     */
    public static int[] solveWithLimit(double[] cost, int rows, int cols, double costLimit) {
        checkShape(cost, rows, cols);
        if (!Double.isFinite(costLimit)) {
            throw new IllegalArgumentException("costLimit must be finite, was " + costLimit);
        }
        int[] colOfRow = new int[rows];
        Arrays.fill(colOfRow, -1);
        if (rows == 0 || cols == 0) {
            return colOfRow;
        }
        boolean transpose = rows > cols;
        int small = transpose ? cols : rows;
        int large = transpose ? rows : cols;
        int width = large + small;  // real columns, then one "unmatched" column per row
        double[] a = new double[small * width];
        for (int i = 0; i < small; i++) {
            int base = i * width;
            for (int j = 0; j < large; j++) {
                double c = transpose ? cost[j * cols + i] : cost[i * cols + j];
                if (Double.isNaN(c)) {
                    throw new IllegalArgumentException("cost is NaN at (" + (transpose ? j : i) + ", " + (transpose ? i : j) + ")");
                }
                a[base + j] = Math.min(c, costLimit);
            }
            Arrays.fill(a, base + large, base + width, costLimit);
        }
        int[] match = hungarian(a, small, width);
        for (int i = 0; i < small; i++) {
            int j = match[i];
            if (j >= large) {
                continue;
            }
            int r = transpose ? j : i;
            int c = transpose ? i : j;
            if (cost[r * cols + c] < costLimit) {
                colOfRow[r] = c;
            }
        }
        return colOfRow;
    }

    /** Square or wide ({@code n <= m}) assignment; returns the column of every row. */
    private static int[] hungarian(double[] a, int n, int m) {
        // 1-based potentials and matching (index 0 is the virtual start column), as in the classic formulation
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] rowOfCol = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minSlack = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            rowOfCol[0] = i;
            int j0 = 0;
            Arrays.fill(minSlack, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = rowOfCol[j0];
                int rowBase = (i0 - 1) * m - 1;
                double ui0 = u[i0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = a[rowBase + j] - ui0 - v[j];
                        if (cur < minSlack[j]) {
                            minSlack[j] = cur;
                            way[j] = j0;
                        }
                        if (minSlack[j] < delta) {
                            delta = minSlack[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[rowOfCol[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minSlack[j] -= delta;
                    }
                }
                j0 = j1;
            } while (rowOfCol[j0] != 0);
            do {
                int j1 = way[j0];
                rowOfCol[j0] = rowOfCol[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int j = 1; j <= m; j++) {
            if (rowOfCol[j] != 0) {
                colOfRow[rowOfCol[j] - 1] = j - 1;
            }
        }
        return colOfRow;
    }

    private static void checkShape(double[] cost, int rows, int cols) {
        if (rows < 0 || cols < 0 || cost.length != rows * cols) {
            throw new IllegalArgumentException("cost has " + cost.length + " entries, expected " + rows + " x " + cols);
        }
    }
}
