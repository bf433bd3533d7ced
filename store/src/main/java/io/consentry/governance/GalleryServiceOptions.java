package io.consentry.governance;

import io.consentry.search.FlatIndex;
import io.consentry.search.TemplateIndex;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Settings of a {@link GalleryService}; build with {@link #builder()} (everything optional).
 *
 * @param clock              time source for consent/authorisation validity and purges (default system UTC)
 * @param retentionInterval  how often the scheduler runs {@link GalleryService#purgeExpired} (default 1 h; zero =
 *                           no scheduler, call it yourself)
 * @param indexFactory       makes the per-collection search index for a dimension (default exact {@link FlatIndex})
 * @param maxK               largest {@code k} accepted by identify (default 100)
 */
public record GalleryServiceOptions(Clock clock, Duration retentionInterval, IntFunction<TemplateIndex> indexFactory, int maxK) {
    public GalleryServiceOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(retentionInterval, "retentionInterval");
        if (retentionInterval.isNegative()) {
            throw new IllegalArgumentException("retention interval must not be negative");
        }
        Objects.requireNonNull(indexFactory, "indexFactory");
        if (maxK < 1) {
            throw new IllegalArgumentException("maxK must be at least 1");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static GalleryServiceOptions defaults() {
        return builder().build();
    }

    /** Builder: {@code opt*} methods set optional values. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration retentionInterval = Duration.ofHours(1);
        private IntFunction<TemplateIndex> indexFactory = FlatIndex::new;
        private int maxK = 100;

        private Builder() {
        }

        public Builder optClock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder optRetentionInterval(Duration d) {
            this.retentionInterval = d;
            return this;
        }

        public Builder optIndexFactory(IntFunction<TemplateIndex> f) {
            this.indexFactory = f;
            return this;
        }

        public Builder optMaxK(int k) {
            this.maxK = k;
            return this;
        }

        public GalleryServiceOptions build() {
            return new GalleryServiceOptions(clock, retentionInterval, indexFactory, maxK);
        }
    }
}
