package io.consentry.video.watch;

import io.consentry.ConsentryException;
import io.consentry.detect.Detection;
import io.consentry.engine.FaceEngine;
import io.consentry.image.RgbImage;
import io.consentry.track.FaceTracker;
import io.consentry.track.TrackInput;
import io.consentry.track.TrackState;
import io.consentry.video.VideoException;
import io.consentry.video.VideoFrame;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.TrackingPass;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Watches one source: decodes frames, detects faces every few frames, tracks them, recognises each confirmed track
 * once (and again only when a clearly better view appears), and reports {@link WatchEvent}s. A live source that drops
 * or stalls is reopened with exponential backoff ({@link SourceState#RECONNECTING}); a file ends with
 * {@link SourceState#STOPPED}. Runs on its own thread after {@link #start()}; {@link #close()} stops it and waits.
 *
 * <p>Events are delivered on the session's thread; a slow consumer slows the watch (the service queues them).
 */
public final class WatchSession implements AutoCloseable {
    /** Tiles of one frame are detected in parallel on this pool, shared by all sessions (one thread per core). */
    private static final java.util.concurrent.ExecutorService TILE_POOL = java.util.concurrent.Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), r -> {
                Thread t = new Thread(r, "consentry-tile");
                t.setDaemon(true);
                return t;
            });
    private final String name;
    private final SourceLocation location;
    private final FrameDetector detector;
    private final Optional<Recognizer> recognizer;
    private final WatchOptions options;
    private final Consumer<WatchEvent> events;
    private final Thread thread;
    private volatile SourceState state = SourceState.CONNECTING;
    private volatile String lastError;
    private volatile ConsentryException failure;
    private volatile boolean stopping;
    private volatile RgbImage latestFrame;
    private volatile WatchEvent.Tracks latestTracks;
    private final AtomicLong framesRead = new AtomicLong();
    private final AtomicLong framesDetected = new AtomicLong();
    private final AtomicLong framesSkipped = new AtomicLong();
    private final AtomicLong tracksStarted = new AtomicLong();
    private final AtomicLong recognitions = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile int activeTracks;
    private volatile double fps;

    /**
     * @param name       the source's name: in every event, and the scope checked against watchlist authorisations
     * @param recognizer recognition of confirmed tracks, or empty to only detect and track
     */
    public WatchSession(String name, SourceLocation location, FaceEngine engine, Optional<Recognizer> recognizer, WatchOptions options,
                        Consumer<WatchEvent> events) {
        this.name = name;
        this.location = location;
        this.detector = new FrameDetector(engine, options.tileSide(), false, TILE_POOL);
        this.recognizer = recognizer;
        this.options = options;
        this.events = events;
        this.thread = new Thread(this::run, "consentry-watch-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts the watch thread. */
    public WatchSession start() {
        thread.start();
        return this;
    }

    /** Runs on the calling thread until the source ends, fails, or {@link #close()} is called from elsewhere. */
    public void runHere() {
        run();
    }

    public String name() {
        return name;
    }

    public SourceLocation location() {
        return location;
    }

    public SourceState state() {
        return state;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** What ended the watch with {@link SourceState#FAILED}: a video error or a governance refusal, if any. */
    public Optional<ConsentryException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The most recently processed frame, if any (for live views). */
    public Optional<RgbImage> latestFrame() {
        return Optional.ofNullable(latestFrame);
    }

    /** The tracks in the most recently processed frame. */
    public Optional<WatchEvent.Tracks> latestTracks() {
        return Optional.ofNullable(latestTracks);
    }

    /** Current counters (also sent as {@code stats} events). */
    public WatchEvent.Stats stats() {
        return new WatchEvent.Stats(name, state, framesRead.get(), framesDetected.get(), framesSkipped.get(), round(fps), activeTracks,
                tracksStarted.get(), recognitions.get(), reconnects.get());
    }

    /** Whether the session has finished (stopped or failed). */
    public boolean isDone() {
        return state == SourceState.STOPPED || state == SourceState.FAILED;
    }

    /** Waits for the session to finish. */
    public boolean await(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    private void setState(SourceState s, String message) {
        state = s;
        if (message != null && (s == SourceState.FAILED || s == SourceState.RECONNECTING)) {
            lastError = message;
        }
        emit(new WatchEvent.StateChanged(name, s, Optional.ofNullable(message)));
    }

    private void emit(WatchEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            // a failing consumer must not kill the watch
        }
    }

    private void run() {
        Pipeline p = new Pipeline();
        int failures = 0;
        long statsAt = System.nanoTime();
        long readAtStats = 0;
        try {
            setState(SourceState.CONNECTING, null);
            while (!stopping) {
                try (VideoReader reader = VideoReader.open(location, options.reader())) {
                    setState(SourceState.RUNNING, null);
                    failures = 0;
                    long frameMicros = reader.frameRate() > 0 ? (long) (1_000_000 / reader.frameRate()) : 40_000;
                    Optional<VideoFrame> f;
                    while (!stopping && (f = reader.next()).isPresent()) {
                        long t0 = System.nanoTime();
                        framesRead.incrementAndGet();
                        p.process(f.get());
                        long now = System.nanoTime();
                        if (now - statsAt >= options.statsEvery().toNanos()) {
                            fps = (framesRead.get() - readAtStats) / ((now - statsAt) / 1e9);
                            readAtStats = framesRead.get();
                            statsAt = now;
                            emit(stats());
                        }
                        if (location.isLive() && options.dropWhenBehind()) {
                            long behind = (System.nanoTime() - t0) / 1000 / Math.max(1, frameMicros);
                            for (long k = 0; k < behind && !stopping; k++) {
                                if (reader.next().isEmpty()) {
                                    break;
                                }
                                framesRead.incrementAndGet();
                                framesSkipped.incrementAndGet();
                            }
                        }
                    }
                    if (!location.isLive() || stopping) {
                        break;
                    }
                    lastError = "stream ended";
                } catch (VideoException e) {
                    if (!location.isLive()) {
                        p.finish();
                        failure = e;
                        setState(SourceState.FAILED, e.getMessage());
                        return;
                    }
                    lastError = e.getMessage();
                } catch (ConsentryException e) {
                    p.finish();
                    failure = e;
                    setState(SourceState.FAILED, e.getMessage());
                    return;
                }
                if (stopping) {
                    break;
                }
                failures++;
                reconnects.incrementAndGet();
                if (options.maxReconnects() >= 0 && failures > options.maxReconnects()) {
                    p.finish();
                    setState(SourceState.FAILED, "gave up after " + options.maxReconnects() + " reconnect attempts: " + lastError);
                    return;
                }
                long wait = Math.min(options.maxBackoff().toMillis(), options.initialBackoff().toMillis() << Math.min(20, failures - 1));
                setState(SourceState.RECONNECTING, lastError + "; retrying in " + wait + " ms (attempt " + failures + ")");
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    break;
                }
            }
            p.finish();
            state = SourceState.STOPPED;
            emit(stats()); // final counters, already in the stopped state
            setState(SourceState.STOPPED, null);
        } catch (RuntimeException e) {
            setState(SourceState.FAILED, "internal error: " + e);
        }
    }

    /** Per-frame work: detection, tracking, recognition and events. Frame numbers run on across reconnects. */
    private final class Pipeline {
        private final FaceTracker tracker = new FaceTracker(options.tracker());
        private final Set<Long> started = new HashSet<>();
        private final Map<Long, TrackInfo> info = new HashMap<>();
        private long frame = -1;
        private long lastTimeMs;
        private long snapshotAt;

        void process(VideoFrame f) throws ConsentryException {
            frame++;
            lastTimeMs = f.timeMillis();
            RgbImage img = f.image();
            latestFrame = img;
            List<TrackState> states;
            List<Detection> dets = List.of();
            if (frame % options.detectEvery() == 0) {
                dets = detector.detect(img);
                framesDetected.incrementAndGet();
                states = tracker.update(frame, dets.stream().map(TrackInput::of).toList());
            } else {
                states = tracker.predict(frame);
            }
            for (TrackState s : tracker.drainEnded()) {
                ended(s);
            }
            List<WatchEvent.TrackBox> boxes = new ArrayList<>();
            for (TrackState s : states) {
                TrackInfo ti = info.computeIfAbsent(s.trackId(), id -> new TrackInfo(f.timeMillis()));
                ti.lastMs = f.timeMillis();
                if (s.detected()) {
                    ti.detections++;
                }
                if (s.confirmed() && started.add(s.trackId())) {
                    tracksStarted.incrementAndGet();
                    emit(new WatchEvent.TrackStarted(name, s.trackId(), frame, f.timeMillis(), s.box()));
                }
                if (s.detected() && s.confirmed() && recognizer.isPresent()) {
                    maybeRecognise(s, dets.get(s.detectionIndex()), img, f.timeMillis(), ti);
                }
                if (started.contains(s.trackId())) {
                    boxes.add(new WatchEvent.TrackBox(s.trackId(), s.box(), s.detected(), ti.best.flatMap(Recognizer.Recognition::label),
                            ti.best.map(Recognizer.Recognition::similarity)));
                }
            }
            activeTracks = boxes.size();
            WatchEvent.Tracks snap = new WatchEvent.Tracks(name, frame, f.timeMillis(), img.width(), img.height(), boxes);
            latestTracks = snap;
            long now = System.nanoTime();
            if (now - snapshotAt >= options.snapshotEvery().toNanos()) {
                snapshotAt = now;
                emit(snap);
            }
        }

        private void maybeRecognise(TrackState s, Detection d, RgbImage img, long timeMs, TrackInfo ti) throws ConsentryException {
            double q = TrackingPass.quality(d);
            if (ti.attempts >= options.maxRecognitions() || (ti.attempts > 0 && q < ti.recognisedQuality * options.betterViewFactor())) {
                return;
            }
            ti.attempts++;
            ti.recognisedQuality = q;
            recognitions.incrementAndGet();
            Optional<Recognizer.Recognition> r = recognizer.get().recognise(TrackingPass.cropAround(img, d.box(), 0.6));
            if (r.isEmpty()) {
                return;
            }
            Recognizer.Recognition rec = r.get();
            if (ti.best.isEmpty() || rec.similarity() > ti.best.get().similarity()) {
                ti.best = Optional.of(rec);
            }
            emit(new WatchEvent.Candidate(name, s.trackId(), rec.subjectId(), rec.label(), rec.similarity(), rec.status(), rec.caseId(), frame,
                    timeMs, rec.cropSha256()));
        }

        private void ended(TrackState s) {
            TrackInfo ti = info.remove(s.trackId());
            if (started.remove(s.trackId()) && ti != null) {
                emit(new WatchEvent.TrackEnded(name, s.trackId(), ti.firstMs, ti.lastMs, ti.detections,
                        ti.best.map(Recognizer.Recognition::subjectId), ti.best.map(Recognizer.Recognition::similarity),
                        ti.best.map(Recognizer.Recognition::status)));
            }
        }

        void finish() {
            tracker.finish();
            for (TrackState s : tracker.drainEnded()) {
                ended(s);
            }
            for (Long id : new ArrayList<>(started)) {
                TrackInfo ti = info.remove(id);
                started.remove(id);
                if (ti != null) {
                    emit(new WatchEvent.TrackEnded(name, id, ti.firstMs, ti.lastMs, ti.detections, ti.best.map(Recognizer.Recognition::subjectId),
                            ti.best.map(Recognizer.Recognition::similarity), ti.best.map(Recognizer.Recognition::status)));
                }
            }
            activeTracks = 0;
        }
    }

    private static final class TrackInfo {
        final long firstMs;
        long lastMs;
        int detections;
        int attempts;
        double recognisedQuality;
        Optional<Recognizer.Recognition> best = Optional.empty();

        TrackInfo(long firstMs) {
            this.firstMs = firstMs;
            this.lastMs = firstMs;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** Stops the watch and waits up to 15 s for its thread (a blocked network read ends at the read timeout). */
    @Override
    public void close() {
        stopping = true;
        if (thread.isAlive() && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
