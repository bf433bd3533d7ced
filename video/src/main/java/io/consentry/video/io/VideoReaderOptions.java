package io.consentry.video.io;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for {@link VideoReader}.
 *
 * @param readTimeout a network read or connect that takes longer fails (default 10 s)
 * @param maxPixels   largest picture accepted, width × height (default 8K UHD, 7680 × 4320)
 */
public record VideoReaderOptions(Duration readTimeout, long maxPixels) {
    public VideoReaderOptions {
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive");
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
    }

    public static VideoReaderOptions defaults() {
        return new VideoReaderOptions(Duration.ofSeconds(10), 7680L * 4320);
    }

    public VideoReaderOptions withReadTimeout(Duration d) {
        return new VideoReaderOptions(d, maxPixels);
    }
}
