package io.consentry.video.redact;

import java.util.List;

/**
 * What a redaction did, written by {@code --log} and returned by the job API. Holds frame ranges and boxes only: no
 * pixels, descriptors or identities (a spared track says only that it was spared).
 *
 * @param input             the input file name (not its folder)
 * @param output            the output file name
 * @param style             how faces were anonymised
 * @param width             picture width in pixels
 * @param height            picture height in pixels
 * @param frameRate         frames per second of the input (1 for an image)
 * @param frames            pictures written
 * @param redactedFaceFrames sum over frames of the faces painted out
 * @param tracks            one entry per face track (one per face for an image)
 * @param sparedTracks      tracks left visible as consenting enrolled people
 * @param audioKept         the input's audio is in the output (false when the input had none)
 * @param changes           what differs from the input container and codecs, empty when nothing does
 * @param millis            wall time of the whole job
 */
public record RedactionReport(String input, String output, RedactionStyle style, int width, int height, double frameRate, long frames,
                              long redactedFaceFrames, List<TrackEntry> tracks, int sparedTracks, boolean audioKept, List<String> changes,
                              long millis) {
    public RedactionReport {
        tracks = List.copyOf(tracks);
        changes = List.copyOf(changes);
    }

    /**
     * One face track: the frames it was redacted in (padding included) and its detected boxes.
     *
     * @param boxes detected boxes, each {@code [frame, x, y, width, height]} in frame pixels
     */
    public record TrackEntry(long track, long firstFrame, long lastFrame, double firstSecond, double lastSecond, boolean spared,
                             List<double[]> boxes) {
    }

    /** Frames per second of the whole job (pictures / wall time). */
    public double framesPerSecond() {
        return millis <= 0 ? 0 : frames * 1000.0 / millis;
    }
}
