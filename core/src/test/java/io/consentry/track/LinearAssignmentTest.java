package io.consentry.track;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearAssignmentTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** Smallest total cost over all assignments of min(rows, cols) pairs. */
    private static double bruteForce(double[] c, int rows, int cols, int row, boolean[] used, int pairsLeft) {
        if (pairsLeft == 0) {
            return 0;
        }
        if (rows - row < pairsLeft) {
            return INF;
        }
        double best = bruteForce(c, rows, cols, row + 1, used, pairsLeft);  // row left out (only when rows > cols)
        for (int j = 0; j < cols; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, c[row * cols + j] + bruteForce(c, rows, cols, row + 1, used, pairsLeft - 1));
                used[j] = false;
            }
        }
        return best;
    }

    /** Smallest Σ (cost − limit) over all partial matchings that use only pairs below the limit. */
    private static double bruteForceWithLimit(double[] c, int rows, int cols, double limit, int row, boolean[] used) {
        if (row == rows) {
            return 0;
        }
        double best = bruteForceWithLimit(c, rows, cols, limit, row + 1, used);
        for (int j = 0; j < cols; j++) {
            if (!used[j] && c[row * cols + j] < limit) {
                used[j] = true;
                best = Math.min(best, c[row * cols + j] - limit + bruteForceWithLimit(c, rows, cols, limit, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    private static double total(double[] c, int cols, int[] colOfRow) {
        double s = 0;
        for (int i = 0; i < colOfRow.length; i++) {
            if (colOfRow[i] >= 0) {
                s += c[i * cols + colOfRow[i]];
            }
        }
        return s;
    }

    private static void assertOneToOne(int[] colOfRow, int cols) {
        boolean[] used = new boolean[cols];
        for (int j : colOfRow) {
            if (j >= 0) {
                assertTrue(j < cols && !used[j], "column " + j + " used twice: " + Arrays.toString(colOfRow));
                used[j] = true;
            }
        }
    }

    @Test
    void solveMatchesBruteForceOnRandomRectangularMatrices() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 600; trial++) {
            int rows = 1 + rnd.nextInt(6);
            int cols = 1 + rnd.nextInt(6);
            double[] c = new double[rows * cols];
            for (int k = 0; k < c.length; k++) {
                // integer costs give ties, reals the general case
                c[k] = trial % 2 == 0 ? rnd.nextInt(5) : rnd.nextDouble() * 10 - 3;
            }
            int[] colOfRow = LinearAssignment.solve(c, rows, cols);
            assertOneToOne(colOfRow, cols);
            assertEquals(Math.min(rows, cols), Arrays.stream(colOfRow).filter(j -> j >= 0).count());
            double expected = bruteForce(c, rows, cols, 0, new boolean[cols], Math.min(rows, cols));
            assertEquals(expected, total(c, cols, colOfRow), 1e-9, rows + "x" + cols + " " + Arrays.toString(c));
        }
    }

    @Test
    void solveWithLimitMatchesBruteForceIncludingForbiddenPairs() {
        Random rnd = new Random(2);
        double limit = 1.0;
        for (int trial = 0; trial < 600; trial++) {
            int rows = 1 + rnd.nextInt(6);
            int cols = 1 + rnd.nextInt(6);
            double[] c = new double[rows * cols];
            for (int k = 0; k < c.length; k++) {
                double u = rnd.nextDouble();
                c[k] = u < 0.25 ? INF : u < 0.35 ? limit : rnd.nextDouble() * 1.5;
            }
            int[] colOfRow = LinearAssignment.solveWithLimit(c, rows, cols, limit);
            assertOneToOne(colOfRow, cols);
            double got = 0;
            for (int i = 0; i < rows; i++) {
                if (colOfRow[i] >= 0) {
                    double v = c[i * cols + colOfRow[i]];
                    assertTrue(v < limit, "matched a pair at or above the limit: " + v);
                    got += v - limit;
                }
            }
            double expected = bruteForceWithLimit(c, rows, cols, limit, 0, new boolean[cols]);
            assertEquals(expected, got, 1e-9, rows + "x" + cols + " " + Arrays.toString(c));
        }
    }

    @Test
    void limitPrefersOneGoodPairToTwoPoorOnes() {
        // row 0 - col 0 costs 0.1; the alternative covers both rows at 0.6 each: 0.1 - 1 < (0.6 - 1) * 2
        double[] c = {0.1, 0.6, 0.6, INF};
        assertArrayEquals(new int[]{0, -1}, LinearAssignment.solveWithLimit(c, 2, 2, 1.0));
        // with a generous limit the two pairs win
        assertArrayEquals(new int[]{1, 0}, LinearAssignment.solveWithLimit(c, 2, 2, 10.0));
    }

    @Test
    void hundredByHundredIsAValidPermutationNoWorseThanGreedy() {
        Random rnd = new Random(3);
        int n = 100;
        double[] c = new double[n * n];
        for (int k = 0; k < c.length; k++) {
            c[k] = rnd.nextDouble();
        }
        int[] colOfRow = LinearAssignment.solve(c, n, n);
        assertOneToOne(colOfRow, n);
        assertTrue(Arrays.stream(colOfRow).allMatch(j -> j >= 0));
        boolean[] used = new boolean[n];
        double greedy = 0;
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int j = 0; j < n; j++) {
                if (!used[j] && (best < 0 || c[i * n + j] < c[i * n + best])) {
                    best = j;
                }
            }
            used[best] = true;
            greedy += c[i * n + best];
        }
        assertTrue(total(c, n, colOfRow) <= greedy);
        // random uniform costs: the optimum is known to approach ζ(2) ≈ 1.64 for large n
        assertTrue(total(c, n, colOfRow) < 2.5, "total " + total(c, n, colOfRow));
    }

    @Test
    void edgeCases() {
        assertArrayEquals(new int[0], LinearAssignment.solve(new double[0], 0, 5));
        assertArrayEquals(new int[]{-1, -1}, LinearAssignment.solve(new double[0], 2, 0));
        assertArrayEquals(new int[]{1}, LinearAssignment.solve(new double[][]{{3, 1, 2}}));
        assertArrayEquals(new int[]{-1, 0, -1}, LinearAssignment.solve(new double[][]{{3}, {1}, {2}}));
        assertArrayEquals(new int[]{-1}, LinearAssignment.solveWithLimit(new double[]{INF, INF}, 1, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solve(new double[]{INF}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solveWithLimit(new double[]{Double.NaN}, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solve(new double[3], 2, 2));
    }
}
