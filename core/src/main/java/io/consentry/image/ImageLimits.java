package io.consentry.image;

/**
 * Safety limits applied before an image is decoded, so that a hostile file cannot exhaust memory.
 *
 * @param maxFileBytes largest encoded input accepted, in bytes (default 50 MiB)
 * @param maxPixels    largest decoded raster accepted, width*height (default 64 megapixels; a 30000x30000
 *                     header claiming 900 MP is refused before any pixel is allocated)
 */
public record ImageLimits(long maxFileBytes, long maxPixels) {
    public static final ImageLimits DEFAULT = new ImageLimits(50L << 20, 64_000_000L);

    public ImageLimits {
        if (maxFileBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }
}
