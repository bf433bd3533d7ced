package io.consentry.video;

import io.consentry.image.RgbImage;

import java.util.Objects;

/**
 * One decoded picture of a video.
 *
 * @param index           0-based position of the picture in the stream as decoded (not the container's frame number)
 * @param timestampMicros presentation time in microseconds from the start of the stream (as reported by FFmpeg; for
 *                        live sources, from when the connection started)
 * @param image           the picture as 8-bit RGB
 */
public record VideoFrame(long index, long timestampMicros, RgbImage image) {
    public VideoFrame {
        Objects.requireNonNull(image, "image");
    }

    /** Presentation time in milliseconds. */
    public long timeMillis() {
        return timestampMicros / 1000;
    }
}
