package io.consentry.video.watch;

import io.consentry.track.TrackerOptions;
import io.consentry.video.io.VideoReaderOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WatchSession}.
 *
 * @param detectEvery        run the detector on every n-th frame, tracking (motion prediction) in between (default 2)
 * @param tileSide           detector tiling, see {@link io.consentry.video.pipeline.FrameDetector} (default 1080 px)
 * @param tracker            tracker settings, frame-based (default: confirmed after 2 detections, ends after 30 frames)
 * @param maxRecognitions    recognition attempts per track (default 4): the first when the track is confirmed, then
 *                           only when a view at least {@code betterViewFactor} better appears
 * @param betterViewFactor   quality (detector score × size factor) improvement that triggers another attempt (1.25)
 * @param snapshotEvery      at most one {@code tracks} event per this interval (default 200 ms)
 * @param statsEvery         a {@code stats} event per this interval (default 5 s)
 * @param dropWhenBehind     live sources: frames decoded while the previous one was processed are skipped so the
 *                           watch stays real-time (default true; never applies to files)
 * @param initialBackoff     first wait before reopening a dropped live source (default 1 s), doubled per failure
 * @param maxBackoff         longest wait (default 30 s)
 * @param maxReconnects      give up after this many failed reopen attempts in a row; -1 never gives up (default -1)
 * @param reader             network timeout and frame size limit
 */
public record WatchOptions(int detectEvery, int tileSide, TrackerOptions tracker, int maxRecognitions, double betterViewFactor,
                           Duration snapshotEvery, Duration statsEvery, boolean dropWhenBehind, Duration initialBackoff,
                           Duration maxBackoff, int maxReconnects, VideoReaderOptions reader) {
    public WatchOptions {
        if (detectEvery < 1 || detectEvery > 100) {
            throw new IllegalArgumentException("detectEvery must be 1..100, got " + detectEvery);
        }
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(reader, "reader");
    }

    public static WatchOptions defaults() {
        return new WatchOptions(2, io.consentry.video.pipeline.FrameDetector.DEFAULT_TILE, TrackerOptions.builder().optMinHits(2).build(), 4, 1.25, Duration.ofMillis(200),
                Duration.ofSeconds(5), true, Duration.ofSeconds(1), Duration.ofSeconds(30), -1, VideoReaderOptions.defaults());
    }

    public WatchOptions withDetectEvery(int n) {
        return new WatchOptions(n, tileSide, tracker, maxRecognitions, betterViewFactor, snapshotEvery, statsEvery, dropWhenBehind,
                initialBackoff, maxBackoff, maxReconnects, reader);
    }

    public WatchOptions withReconnect(Duration initial, Duration max, int maxReconnects) {
        return new WatchOptions(detectEvery, tileSide, tracker, maxRecognitions, betterViewFactor, snapshotEvery, statsEvery, dropWhenBehind,
                initial, max, maxReconnects, reader);
    }

    public WatchOptions withReader(VideoReaderOptions r) {
        return new WatchOptions(detectEvery, tileSide, tracker, maxRecognitions, betterViewFactor, snapshotEvery, statsEvery, dropWhenBehind,
                initialBackoff, maxBackoff, maxReconnects, r);
    }

    public WatchOptions withStatsEvery(Duration d) {
        return new WatchOptions(detectEvery, tileSide, tracker, maxRecognitions, betterViewFactor, snapshotEvery, d, dropWhenBehind,
                initialBackoff, maxBackoff, maxReconnects, reader);
    }

    public WatchOptions withTileSide(int side) {
        return new WatchOptions(detectEvery, side, tracker, maxRecognitions, betterViewFactor, snapshotEvery, statsEvery, dropWhenBehind,
                initialBackoff, maxBackoff, maxReconnects, reader);
    }
}
