package io.consentry.cli;

import java.io.PrintWriter;

/** A one-line progress bar on stderr: {@code [#####     ] 5/10 label}. Silent for a single item. */
final class ProgressBar {
    private final PrintWriter err;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    ProgressBar(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    void step(String label) {
        done++;
        if (total <= 1) {
            return;
        }
        int width = 30;
        int filled = (int) ((long) width * done / total);
        double secs = (System.nanoTime() - start) / 1e9;
        double eta = done == 0 ? 0 : secs / done * (total - done);
        err.printf("\r[%s%s] %d/%d  %.0fs left  %s", "#".repeat(filled), " ".repeat(width - filled), done, total, eta,
                label.length() > 40 ? "…" + label.substring(label.length() - 39) : label);
        if (done == total) {
            err.println();
        }
        err.flush();
    }
}
