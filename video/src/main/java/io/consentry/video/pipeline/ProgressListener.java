package io.consentry.video.pipeline;

/**
 * Progress of long video work. Called from the working thread; keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param phase what is running, e.g. {@code "detect"} or {@code "encode"}
     * @param done  frames finished in this phase
     * @param total frames expected in this phase, or 0 when unknown (streams, containers without a frame count)
     */
    void progress(String phase, long done, long total);

    ProgressListener NONE = (p, d, t) -> { };
}
