package io.consentry.image;

import java.util.Objects;

/**
 * An 8-bit RGB raster: {@code rgb} holds {@code width*height*3} bytes, row-major, top-left first, channels R,G,B
 * (values 0..255 read as unsigned). Treat the array as read-only: pipeline stages share it without copying.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("expected " + (long) width * height * 3 + " bytes for " + width + "x" + height + " RGB, got " + rgb.length);
        }
    }

    /** Red, green or blue value (0..255) at column {@code x}, row {@code y}. */
    public int get(int x, int y, int channel) {
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
