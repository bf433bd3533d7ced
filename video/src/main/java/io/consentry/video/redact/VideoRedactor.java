package io.consentry.video.redact;

import io.consentry.ConsentryException;
import io.consentry.geometry.Box;
import io.consentry.video.VideoException;
import io.consentry.video.VideoFrame;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.io.VideoWriter;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.ProgressListener;
import io.consentry.video.pipeline.TrackPlan;
import io.consentry.video.pipeline.TrackingPass;
import org.bytedeco.javacv.Frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Redacts every face in a video file, in two passes: {@link TrackingPass} finds and tracks the faces (detection
 * every few frames, interpolation in between, padding at track ends, so no face flickers through between
 * detections), optional {@link FaceSparer} decisions once per track, then a second decode paints the faces out and
 * re-encodes with the input's audio. The output is written to a temporary file and renamed only when complete.
 *
 * <p>Usage: {@code new VideoRedactor(detector, style, TrackingPass.Options.defaults()).redact(in, out, FaceSparer.NOBODY, progress)}.
 */
public final class VideoRedactor {
    private final FrameDetector detector;
    private final FaceRedactor redactor;
    private final TrackingPass.Options options;

    public VideoRedactor(FrameDetector detector, RedactionStyle style, TrackingPass.Options options) {
        this.detector = detector;
        this.redactor = new FaceRedactor(style);
        this.options = options;
    }

    /**
     * Redacts {@code input} into {@code output} (container from its extension).
     *
     * @param progress phases {@code "detect"} then {@code "encode"}, each counting frames
     * @throws VideoException for unreadable input, unwritable output, or a codec failure; nothing is left at
     *                        {@code output} then
     */
    public RedactionReport redact(Path input, Path output, FaceSparer sparer, ProgressListener progress) throws ConsentryException {
        long start = System.nanoTime();
        SourceLocation src = new SourceLocation(SourceLocation.Kind.FILE, input.toAbsolutePath().toString(), java.util.Optional.empty());
        if (!VideoWriter.isVideoExtension(output)) {
            throw new VideoException("cannot write '" + output.getFileName() + "': use .mp4, .mov, .mkv, .webm or .avi");
        }
        TrackingPass.Result found;
        try (VideoReader first = VideoReader.open(src)) {
            found = new TrackingPass(detector, options).run(first, progress);
        }
        Set<Long> spared = new HashSet<>();
        if (sparer != FaceSparer.NOBODY) {
            for (TrackingPass.BestView v : found.bestViews().values()) {
                if (sparer.spare(v.crop())) {
                    spared.add(v.trackId());
                }
            }
        }
        TrackPlan plan = found.plan().withSpared(spared);
        long faceFrames = 0;
        long frames = 0;
        List<String> changes;
        boolean audio;
        try (VideoReader second = VideoReader.open(src)) {
            audio = second.audioChannels() > 0;
            try (VideoWriter out = VideoWriter.create(output, VideoWriter.Spec.like(second));
                 MediaPump pump = new MediaPump(second, f -> {
                     List<Box> boxes = plan.redactedAt(f.index());
                     return new Painted(new VideoFrame(f.index(), f.timestampMicros(), redactor.apply(f.image(), boxes)), boxes.size());
                 })) {
                Object m;
                while ((m = pump.take()) != MediaPump.END) {
                    if (m instanceof Painted p) {
                        faceFrames += p.faces();
                        out.writeImage(p.frame().image(), p.frame().timestampMicros());
                        frames++;
                        progress.progress("encode", frames, found.frames());
                    } else {
                        try (Frame samples = (Frame) m) {
                            out.writeAudio(samples);
                        }
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new VideoException("cancelled");
                    }
                }
                changes = out.changes();
                out.commit();
            }
        }
        if (frames != found.frames()) {
            // the two decodes disagree: the plan's frame numbers cannot be trusted for what was written
            try {
                java.nio.file.Files.deleteIfExists(output);
            } catch (java.io.IOException e) {
                throw new VideoException("cannot remove the inconsistent output " + output + ": " + e.getMessage(), e);
            }
            throw new VideoException("the second decode of " + input.getFileName() + " gave " + frames + " frames, the first "
                    + found.frames() + "; output removed");
        }
        double fps = found.frameRate() > 0 ? found.frameRate() : 25;
        List<RedactionReport.TrackEntry> entries = new ArrayList<>();
        for (TrackPlan.PlannedTrack t : plan.byStart()) {
            long first = Math.max(0, t.firstFrame() - plan.padFrames());
            long last = Math.min(frames - 1, t.lastFrame() + plan.padFrames());
            entries.add(new RedactionReport.TrackEntry(t.trackId(), first, last, first / fps, last / fps, t.spared(),
                    t.observations().stream().map(o -> new double[]{o.frame(), round(o.box().x()), round(o.box().y()), round(o.box().width()),
                            round(o.box().height())}).toList()));
        }
        return new RedactionReport(input.getFileName().toString(), output.getFileName().toString(), redactor.style(), found.width(),
                found.height(), fps, frames, faceFrames, entries, spared.size(), audio, changes, (System.nanoTime() - start) / 1_000_000);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /**
     * Decodes and paints on its own thread, a few frames ahead of the encoder, so they overlap encoding on two cores.
     * Pictures are copied ({@link VideoFrame}); audio frames are cloned (the reader reuses its buffers).
     */
    /** A painted picture and how many faces were painted out of it. */
    private record Painted(VideoFrame frame, int faces) {
    }

    private static final class MediaPump implements AutoCloseable {
        static final Object END = new Object();
        private final java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(8);
        private final Thread thread;
        private volatile VideoException failure;
        private volatile boolean closed;

        /** @param paint applied to every picture on the decoding thread (so painting overlaps encoding) */
        MediaPump(VideoReader reader, java.util.function.Function<VideoFrame, Painted> paint) {
            thread = new Thread(() -> {
                try {
                    Frame m;
                    while (!closed && (m = reader.nextMedia()) != null) {
                        if (m.image != null) {
                            queue.put(paint.apply(reader.toVideoFrame(m)));
                        } else if (m.samples != null) {
                            queue.put(m.clone());
                        }
                    }
                } catch (VideoException e) {
                    failure = e;
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    failure = new VideoException("decoding failed: " + e, e);
                }
                try {
                    queue.put(END);
                } catch (InterruptedException ignored) {
                    // closing
                }
            }, "consentry-decode");
            thread.setDaemon(true);
            thread.start();
        }

        Object take() throws VideoException {
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VideoException("cancelled");
            }
            if (o == END && failure != null) {
                throw failure;
            }
            return o;
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Object o;
            while ((o = queue.poll()) != null) {
                if (o instanceof Frame f) {
                    f.close();
                }
            }
        }
    }
}
