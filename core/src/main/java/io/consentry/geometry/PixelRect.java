package io.consentry.geometry;

/** An integer pixel rectangle (left, top, width, height), e.g. a crop inside an image. */
public record PixelRect(int x, int y, int width, int height) {
    public boolean isEmpty() {
        return width <= 0 || height <= 0;
    }
}
