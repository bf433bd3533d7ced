package io.consentry.video.bench;

import io.consentry.engine.FaceEngine;
import io.consentry.image.RgbImage;
import io.consentry.video.VideoFrame;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.ProgressListener;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.redact.FaceSparer;
import io.consentry.video.redact.ImageRedactor;
import io.consentry.video.redact.RedactionReport;
import io.consentry.video.redact.RedactionStyle;
import io.consentry.video.redact.VideoRedactor;
import io.consentry.video.testing.RedactionCheck;
import io.consentry.video.testing.SyntheticFootage;
import io.consentry.video.testing.VideoTests;
import io.consentry.video.watch.WatchOptions;
import io.consentry.video.watch.WatchSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Video throughput and redaction coverage on generated footage with ground truth (see bench/video-bench.sh):
 * <ul>
 *   <li>redaction frames/s at 720p and 1080p (both passes, decode and encode included, audio kept), and the fraction
 *       of ground-truth face-frames left unredacted (solid fill, checked on the decoded output);</li>
 *   <li>watch (detect + track, no recognition) frames/s for one stream and for four streams at once.</li>
 * </ul>
 * Arguments: {@code [seconds of footage (default 10)] [output folder (default target/video-bench)]}. Writes an example
 * frame (original | blurred) to {@code docs/img/video-redaction-example.png} when run from the repository root.
 */
public final class VideoBench {
    private VideoBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Path.of(args.length > 1 ? args[1] : "target/video-bench");
        Files.createDirectories(dir);
        int fps = 25;
        int frames = seconds * fps;
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; footage %d s at %d fps%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"), seconds, fps);
        int engineThreads = Integer.getInteger("bench.engineThreads", 1);
        System.out.println("ONNX Runtime threads per inference: " + (engineThreads == 0 ? "one per core" : engineThreads)
                + "; detection workers: " + TrackingPass.Options.defaults().threads());
        try (FaceEngine engine = FaceEngine.open(io.consentry.engine.EngineOptions.builder().optPackDir(io.consentry.testing.TestPacks.faceApi().dir())
                .optHome(io.consentry.testing.TestPacks.home()).optThreads(engineThreads).build())) {
            SyntheticFootage.Footage hd = footage(engine, dir.resolve("gate-720p.mp4"), 1280, 720, fps, frames);
            SyntheticFootage.Footage fhd = footage(engine, dir.resolve("gate-1080p.mp4"), 1920, 1080, fps, frames);
            // warm-up: JIT and ONNX Runtime
            redact(engine, hd, dir.resolve("warm.mp4"), RedactionStyle.Mode.FILL, 3);

            System.out.println();
            System.out.println("| footage | detect every | frames | wall s (pass 1 + 2) | frames/s | face-frames | missed | missed % | tracks |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (SyntheticFootage.Footage f : List.of(hd, fhd)) {
                for (String ev : System.getProperty("bench.every", "2,3,4").split(",")) {
                    int every = Integer.parseInt(ev.strip());
                    Path out = dir.resolve("redacted-" + f.height() + "p-every" + every + ".mp4");
                    RedactionReport r = redact(engine, f, out, RedactionStyle.Mode.FILL, every);
                    RedactionCheck.Missed m = RedactionCheck.filled(out, f);
                    System.out.printf(Locale.ROOT, "| %dx%d | %d | %d | %.1f (%.1f + %.1f) | %.1f | %d | %d | %.3f | %d |%n", f.width(), f.height(), every,
                            r.frames(), r.millis() / 1000.0, lastFirstPass, r.millis() / 1000.0 - lastFirstPass, r.framesPerSecond(), m.faceFrames(), m.missed(), 100 * m.fraction(), r.tracks().size());
                }
            }

            Path blurred = dir.resolve("redacted-720p-blur.mp4");
            int every = TrackingPass.Options.defaults().detectEvery();
            RedactionReport blur = redact(engine, hd, blurred, RedactionStyle.Mode.BLUR, every);
            System.out.printf(Locale.ROOT, "%nthe defaults (blur, ellipse, margin 0.25, detect every %d), 720p: %.1f frames/s%n", every, blur.framesPerSecond());
            example(hd.file(), blurred, frames / 2, Path.of("docs/img"));

            System.out.println();
            System.out.println("| watch | streams | frames per stream | wall s | frames/s per stream | frames/s total |");
            System.out.println("|---|---|---|---|---|---|");
            for (int streams : new int[]{1, 4}) {
                watch(engine, hd, streams);
            }
        }
    }

    static SyntheticFootage.Footage footage(FaceEngine engine, Path file, int w, int h, int fps, int frames) throws Exception {
        List<SyntheticFootage.Walker> walkers = new ArrayList<>(SyntheticFootage.gate(w, h, frames));
        // two more people crossing the lower half, so up to six faces share a frame
        int size = h / 4;
        walkers.add(new SyntheticFootage.Walker(5, "Tony_Blair", 4, size, frames / 10, frames * 9 / 10, -size, h * 0.62, w, h * 0.6));
        walkers.add(new SyntheticFootage.Walker(6, "Jean_Chretien", 1, size, frames / 6, frames - 1, w, h * 0.3, -size, h * 0.35));
        long t0 = System.nanoTime();
        SyntheticFootage.Footage f = SyntheticFootage.write(file, w, h, fps, frames, walkers, true, engine);
        System.out.printf(Locale.ROOT, "wrote %s (%d frames, %d face-frames) in %.1f s%n", file.getFileName(), frames, f.faceFrames(),
                (System.nanoTime() - t0) / 1e9);
        return f;
    }

    /** Seconds spent in the first pass (decode, detect, track) of the last redaction. */
    static double lastFirstPass;

    static RedactionReport redact(FaceEngine engine, SyntheticFootage.Footage f, Path out, RedactionStyle.Mode mode, int every) throws Exception {
        TrackingPass.Options opts = TrackingPass.Options.defaults().withDetectEvery(every);
        long t0 = System.nanoTime();
        long[] encodeAt = {0};
        RedactionReport r = new VideoRedactor(new FrameDetector(engine, opts.tileSide()), new RedactionStyle(mode, RedactionStyle.Shape.ELLIPSE, 0.25), opts)
                .redact(f.file(), out, FaceSparer.NOBODY, (phase, done, total) -> {
                    if (phase.equals("encode") && encodeAt[0] == 0) {
                        encodeAt[0] = System.nanoTime();
                    }
                });
        lastFirstPass = (encodeAt[0] - t0) / 1e9;
        return r;
    }

    static void watch(FaceEngine engine, SyntheticFootage.Footage f, int streams) throws Exception {
        List<WatchSession> sessions = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            sessions.add(new WatchSession("cam-" + i, SourceLocation.parse(f.file().toString()), engine, Optional.empty(), WatchOptions.defaults(),
                    e -> { }).start());
        }
        long frames = 0;
        for (WatchSession s : sessions) {
            s.await(600_000);
            frames += s.stats().framesRead();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "| 1280x720, detect every 2 | %d | %d | %.1f | %.1f | %.1f |%n", streams, frames / streams, secs,
                frames / streams / secs, frames / secs);
    }

    /** Writes the original and redacted frame {@code index} side by side. */
    static void example(Path original, Path redacted, int index, Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return;
        }
        RgbImage a = frame(original, index);
        RgbImage b = frame(redacted, index);
        int w = a.width() / 2;
        int h = a.height() / 2;
        byte[] out = new byte[w * 2 * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    out[(y * 2 * w + x) * 3 + c] = (byte) a.get(x * 2, y * 2, c);
                    out[(y * 2 * w + w + x) * 3 + c] = (byte) b.get(x * 2, y * 2, c);
                }
            }
        }
        Path p = folder.resolve("video-redaction-example.png");
        ImageRedactor.write(new RgbImage(w * 2, h, out), p);
        System.out.println("example frame: " + p);
    }

    static RgbImage frame(Path video, int index) throws Exception {
        try (VideoReader r = VideoReader.open(SourceLocation.parse(video.toString()))) {
            Optional<VideoFrame> f;
            while ((f = r.next()).isPresent()) {
                if (f.get().index() == index) {
                    return f.get().image();
                }
            }
        }
        throw new IllegalStateException("no frame " + index + " in " + video);
    }
}
