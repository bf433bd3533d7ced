package io.consentry.cli.gallery;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr for batches, {@code [#####     ] 5/10  3s left  name}; silent for one item. (The
 * same look as {@code io.consentry.cli.ProgressBar}, which is package-private there.)
 */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    Progress(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    /** Prints a message line on stderr without running it into the bar. */
    void note(String line) {
        if (total > 1 && done > 0 && done < total) {
            err.println();
        }
        err.println(line);
        err.flush();
    }

    void step(String label) {
        done++;
        if (total <= 1) {
            return;
        }
        int filled = (int) ((long) WIDTH * done / total);
        double secs = (System.nanoTime() - start) / 1e9;
        double eta = secs / done * (total - done);
        err.printf("\r[%s%s] %d/%d  %.0fs left  %s", "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, eta,
                label.length() > 40 ? "…" + label.substring(label.length() - 39) : label);
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
