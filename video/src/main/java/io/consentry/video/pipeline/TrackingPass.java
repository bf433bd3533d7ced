package io.consentry.video.pipeline;

import io.consentry.ConsentryException;
import io.consentry.detect.Detection;
import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import io.consentry.track.FaceTracker;
import io.consentry.track.TrackInput;
import io.consentry.track.TrackState;
import io.consentry.track.TrackerOptions;
import io.consentry.video.VideoException;
import io.consentry.video.VideoFrame;
import io.consentry.video.io.VideoReader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The first pass over a video file (one run at a time per instance): decodes every frame, detects faces every
 * {@code detectEvery}-th frame, or every frame while a track is new or was missed (on
 * {@code threads} threads, results consumed in frame order), tracks them, and returns a {@link TrackPlan} plus each
 * track's best view (largest, most confident detection, as a crop around the face) for decisions made per track.
 */
public final class TrackingPass {
    /**
     * Settings.
     *
     * @param detectEvery run the detector on every n-th frame (1 = every frame) while all tracks are settled (seen at
     *                    least 3 times, none missed in the last run); every frame otherwise. Boxes in between are
     *                    interpolated
     * @param padFrames   frames a track's first/last box is held before its first and after its last detection; at
     *                    least {@code detectEvery} is used
     * @param threads     detection threads
     * @param tileSide    see {@link FrameDetector}; 0 disables tiling
     * @param tracker     tracker settings (frame-based limits are in video frames)
     */
    public record Options(int detectEvery, int padFrames, int threads, int tileSide, TrackerOptions tracker) {
        public Options {
            if (detectEvery < 1 || detectEvery > 100) {
                throw new IllegalArgumentException("detectEvery must be 1..100, got " + detectEvery);
            }
            if (padFrames < 0) {
                throw new IllegalArgumentException("padFrames must not be negative");
            }
            threads = Math.max(1, threads);
        }

        /**
         * Detect every 3rd frame while tracks are settled (every frame otherwise; interpolated in between: 0 % face-frames
         * missed on the benchmark footage and on a stress clip of 35 px faces crossing a 640 px frame in 20 frames, where
         * every 4th missed 2.8 %; see docs/PERFORMANCE.md), pad 6 frames, up to 4 threads, tiles up to 1080 px, tracker
         * defaults with minHits 1.
         */
        public static Options defaults() {
            return new Options(3, 6, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), FrameDetector.DEFAULT_TILE,
                    TrackerOptions.builder().optMinHits(1).build());
        }

        public Options withDetectEvery(int n) {
            return new Options(n, padFrames, threads, tileSide, tracker);
        }

        public Options withThreads(int n) {
            return new Options(detectEvery, padFrames, n, tileSide, tracker);
        }

        public Options withTileSide(int side) {
            return new Options(detectEvery, padFrames, threads, side, tracker);
        }

        public Options withPadFrames(int pad) {
            return new Options(detectEvery, pad, threads, tileSide, tracker);
        }
    }

    /** A track's best view: the frame, its time, the face box and a crop twice the box's size around it. */
    public record BestView(long trackId, long frame, long timeMillis, Box box, double quality, RgbImage crop) {
    }

    /** What the pass found. */
    public record Result(TrackPlan plan, Map<Long, BestView> bestViews, long frames, long detectedFrames, int width, int height,
                         double frameRate) {
    }

    private final FrameDetector detector;
    private final Options options;
    /** Next frame to detect on. */
    private long nextDetection;
    /**
     * Whether the last detection run saw a face being acquired (detected fewer than 3 times) or lost one inside the
     * picture: then every frame is detected until tracks are settled again, so an intermittently detected (small,
     * turned, fast) face is not left to interpolation across several frames.
     */
    private boolean unsettled = true;

    public TrackingPass(FrameDetector detector, Options options) {
        this.detector = detector;
        this.options = options;
    }

    /** Reads {@code reader} to the end. */
    public Result run(VideoReader reader, ProgressListener progress) throws ConsentryException {
        FaceTracker tracker = new FaceTracker(options.tracker());
        nextDetection = 0;
        unsettled = true;
        Map<Long, List<TrackPlan.Observation>> obs = new HashMap<>();
        Map<Long, BestView> best = new HashMap<>();
        Deque<Pending> pending = new ArrayDeque<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "consentry-detect");
            t.setDaemon(true);
            return t;
        });
        long total = reader.declaredFrames();
        long frames = 0;
        long detected = 0;
        try {
            Optional<VideoFrame> next;
            while ((next = reader.next()).isPresent()) {
                VideoFrame f = next.get();
                frames++;
                if (f.index() >= nextDetection) {
                    nextDetection = f.index() + (unsettled ? 1 : options.detectEvery());
                    RgbImage img = f.image();
                    pending.add(new Pending(f, pool.submit(() -> detector.detect(img))));
                    detected++;
                    while (pending.size() > options.threads()) { // a short queue: track decisions (settled or not) lag little
                        consume(pending.poll(), tracker, obs, best);
                    }
                }
                progress.progress("detect", frames, total);
                if (Thread.currentThread().isInterrupted()) {
                    throw new VideoException("cancelled");
                }
            }
            while (!pending.isEmpty()) {
                consume(pending.poll(), tracker, obs, best);
            }
        } finally {
            pool.shutdownNow();
        }
        tracker.finish();
        List<TrackPlan.PlannedTrack> tracks = new ArrayList<>();
        obs.forEach((id, o) -> tracks.add(new TrackPlan.PlannedTrack(id, o, false)));
        tracks.sort(java.util.Comparator.comparingLong(TrackPlan.PlannedTrack::trackId));
        int pad = Math.max(options.padFrames(), options.detectEvery());
        return new Result(new TrackPlan(tracks, pad), best, frames, detected, reader.width(), reader.height(), reader.frameRate());
    }

    private record Pending(VideoFrame frame, Future<List<Detection>> detections) {
    }

    private void consume(Pending p, FaceTracker tracker, Map<Long, List<TrackPlan.Observation>> obs, Map<Long, BestView> best)
            throws ConsentryException {
        List<Detection> dets;
        try {
            dets = p.detections().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VideoException("cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ConsentryException ce) {
                throw ce;
            }
            throw new VideoException("face detection failed on frame " + p.frame().index() + ": " + c, c);
        }
        List<TrackInput> inputs = dets.stream().map(TrackInput::of).toList();
        long index = p.frame().index();
        List<TrackState> states = tracker.update(index, inputs);
        boolean anyUnsettled = false;
        int w = p.frame().image().width();
        int h = p.frame().image().height();
        for (TrackState s : states) {
            // a face being acquired (detected, seen fewer than 3 times), or one just lost inside the picture (a dropout,
            // not a face that left): detect every frame until that is resolved
            boolean acquiring = s.detected() && s.hits() < 3;
            Box b = s.box();
            boolean inside = b.x() > 0 && b.y() > 0 && b.right() < w && b.bottom() < h;
            boolean justLost = !s.detected() && s.misses() == 1 && s.hits() >= 3 && inside;
            if (acquiring || justLost) {
                anyUnsettled = true;
            }
        }
        unsettled = anyUnsettled;
        for (TrackState s : states) {
            if (!s.detected()) {
                continue;
            }
            Detection d = dets.get(s.detectionIndex());
            obs.computeIfAbsent(s.trackId(), k -> new ArrayList<>()).add(new TrackPlan.Observation(index, d.box(), d.score()));
            double q = quality(d);
            BestView b = best.get(s.trackId());
            if (b == null || q > b.quality()) {
                best.put(s.trackId(), new BestView(s.trackId(), index, p.frame().timeMillis(), d.box(), q,
                        cropAround(p.frame().image(), d.box(), 1.0)));
            }
        }
    }

    /** Detector score × size factor (faces below 80 px count less). */
    public static double quality(Detection d) {
        double side = Math.min(d.box().width(), d.box().height());
        return d.score() * Math.min(1.0, side / 80.0);
    }

    /** A crop of {@code img} around {@code box} grown by {@code grow} × its size on each side, clipped to the image. */
    public static RgbImage cropAround(RgbImage img, Box box, double grow) {
        double gx = box.width() * grow;
        double gy = box.height() * grow;
        int x0 = (int) Math.max(0, Math.floor(box.x() - gx));
        int y0 = (int) Math.max(0, Math.floor(box.y() - gy));
        int x1 = (int) Math.min(img.width(), Math.ceil(box.right() + gx));
        int y1 = (int) Math.min(img.height(), Math.ceil(box.bottom() + gy));
        if (x1 - x0 < 2 || y1 - y0 < 2) {
            return FrameDetector.crop(img, 0, 0, Math.min(2, img.width()), Math.min(2, img.height()));
        }
        return FrameDetector.crop(img, x0, y0, x1 - x0, y1 - y0);
    }
}
