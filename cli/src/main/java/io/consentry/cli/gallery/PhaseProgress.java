package io.consentry.cli.gallery;

import io.consentry.video.pipeline.ProgressListener;

import java.io.PrintWriter;

/**
 * A progress bar on stderr for video work, one line per phase: {@code detect [#####     ] 120/300 frames  45 fps  4s left}.
 * Redrawn at most 5 times a second; an unknown total shows a frame count only.
 */
final class PhaseProgress implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean enabled;
    private String phase;
    private long phaseStart;
    private long lastDraw;

    PhaseProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    @Override
    public void progress(String p, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (!p.equals(phase)) {
            if (phase != null) {
                err.println();
            }
            phase = p;
            phaseStart = now;
            lastDraw = 0;
        }
        boolean last = total > 0 && done >= total;
        if (!last && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double secs = Math.max(1e-3, (now - phaseStart) / 1e9);
        double rate = done / secs;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            double left = rate > 0 ? (total - done) / rate : 0;
            err.printf("\r%-7s [%s%s] %d/%d frames  %.0f fps  %.0fs left ", p, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, rate,
                    Math.max(0, left));
        } else {
            err.printf("\r%-7s %d frames  %.0f fps ", p, done, rate);
        }
        err.flush();
    }

    /** Ends the current line. */
    void done() {
        if (enabled && phase != null) {
            err.println();
            err.flush();
        }
    }
}
