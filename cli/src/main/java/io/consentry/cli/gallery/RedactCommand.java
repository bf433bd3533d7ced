package io.consentry.cli.gallery;

import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.store.Collection;
import io.consentry.store.Role;
import io.consentry.video.VideoException;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.redact.FaceSparer;
import io.consentry.video.redact.GallerySparer;
import io.consentry.video.redact.ImageRedactor;
import io.consentry.video.redact.RedactionReport;
import io.consentry.video.redact.RedactionStyle;
import io.consentry.video.redact.VideoRedactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** {@code consentry redact IN OUT [--mode M] [--shape S] [--margin F] [--except-collection C] [--log FILE]} (operator). */
@Command(name = "redact", mixinStandardHelpOptions = true,
        description = {"Anonymise every face in an image or a video (operator).",
                "Videos: faces are tracked and interpolated between detections and held a few frames before and after each "
                        + "track, so none flickers through; audio and container are kept when the codec allows (what changed is "
                        + "printed). The output is written to a temporary file and renamed when complete.",
                "--except-collection leaves people enrolled (with consent) in that collection visible; each check is an "
                        + "audited search. Watchlists are refused."})
public final class RedactCommand extends GalleryCommand {
    @Parameters(index = "0", paramLabel = "IN", description = "Image (jpg, png, bmp, gif, webp) or video (mp4, mkv, mov, avi, webm, ...).")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file; .png/.jpg/.bmp for images, .mp4/.mkv/.mov/.webm/.avi for videos.")
    Path output;

    @Option(names = "--mode", paramLabel = "M", description = "blur, pixelate or fill (default ${DEFAULT-VALUE}).")
    String mode = "blur";

    @Option(names = "--shape", paramLabel = "S", description = "ellipse or box (default ${DEFAULT-VALUE}).")
    String shape = "ellipse";

    @Option(names = "--margin", paramLabel = "F", description = "Grow each face box by this fraction of its size on every side (default ${DEFAULT-VALUE}).")
    double margin = 0.25;

    @Option(names = "--detect-every", paramLabel = "N", description = "Videos: run the detector on every N-th frame (default ${DEFAULT-VALUE}).")
    int detectEvery = TrackingPass.Options.defaults().detectEvery();

    @Option(names = "--pad-frames", paramLabel = "N", description = "Videos: keep redacting N frames before and after each track (default ${DEFAULT-VALUE}).")
    int padFrames = 6;

    @Option(names = "--tile", paramLabel = "PX", description = "Detect on overlapping square tiles of this size in large frames, 0 for none (default ${DEFAULT-VALUE}).")
    int tile = io.consentry.video.pipeline.FrameDetector.DEFAULT_TILE;

    @Option(names = "--except-collection", paramLabel = "C", description = "Leave consenting people enrolled in this collection visible.")
    String exceptCollection;

    @Option(names = "--log", paramLabel = "FILE", description = "Write what was redacted (frame ranges and boxes, no biometric data) as JSON.")
    Path log;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    private PhaseProgress current;

    private void progressDone() {
        if (current != null) {
            current.done();
        }
    }

    /** Whether the file starts like an image this program decodes (JPEG, PNG, BMP, GIF, WebP), by its first bytes. */
    static boolean isImageFile(Path p) throws java.io.IOException {
        byte[] h = new byte[12];
        int n;
        try (var in = Files.newInputStream(p)) {
            n = in.readNBytes(h, 0, h.length);
        }
        if (n < 4) {
            return false;
        }
        boolean jpeg = (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8;
        boolean png = (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
        boolean bmp = h[0] == 'B' && h[1] == 'M';
        boolean gif = h[0] == 'G' && h[1] == 'I' && h[2] == 'F';
        boolean webp = n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F' && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P';
        return jpeg || png || bmp || gif || webp;
    }

    public RedactCommand() {
        super(Role.OPERATOR);
    }

    @Override
    Integer offline() throws Exception {
        engineArgs.preferOneThreadPerInference();
        if (!Files.isRegularFile(input)) {
            err().println("consentry: no such file: " + input);
            return GalleryExitCodes.BAD_INPUT;
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            err().println("consentry: OUT must differ from IN (the input is never overwritten)");
            return GalleryExitCodes.USAGE;
        }
        boolean outImage = ImageRedactor.isImageExtension(output);
        boolean outVideo = io.consentry.video.io.VideoWriter.isVideoExtension(output);
        if (!outImage && !outVideo) {
            err().println("consentry: cannot write '" + output.getFileName() + "': use .png, .jpg or .bmp for an image, "
                    + ".mp4, .mov, .mkv, .webm or .avi for a video");
            return GalleryExitCodes.USAGE;
        }
        boolean inImage = isImageFile(input);
        if (inImage != outImage) {
            err().println("consentry: " + input.getFileName() + " is " + (inImage ? "an image" : "not an image") + " but "
                    + output.getFileName() + " names " + (outImage ? "an image" : "a video") + " format");
            return GalleryExitCodes.USAGE;
        }
        for (Path target : log == null ? new Path[]{output} : new Path[]{output, log}) {
            Path dir = target.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
                err().println("consentry: output folder does not exist or is not writable: " + dir);
                return GalleryExitCodes.BAD_INPUT;
            }
        }
        return null;
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        RedactionStyle style;
        try {
            style = new RedactionStyle(RedactionStyle.Mode.parse(mode), RedactionStyle.Shape.parse(shape), margin);
        } catch (IllegalArgumentException e) {
            err().println("consentry: " + e.getMessage());
            return GalleryExitCodes.USAGE;
        }
        FaceSparer sparer = FaceSparer.NOBODY;
        if (exceptCollection != null) {
            Collection c = ctx.collection(exceptCollection);
            sparer = new GallerySparer(ctx.service(), ctx.actor(), c.id());
        }
        String sha = CliValues.sha256(input);
        boolean image = ImageRedactor.isImageExtension(output);
        RedactionReport report;
        try {
            if (image) {
                long t0 = System.nanoTime();
                RgbImage in = ImageDecoder.decode(input, ctx.engine().options().imageLimits());
                ImageRedactor r = new ImageRedactor(new FrameDetector(ctx.engine(), tile, true), style);
                ImageRedactor.Result res = r.redact(in, sparer);
                ImageRedactor.write(res.image(), output);
                report = r.report(input.getFileName().toString(), output.getFileName().toString(), in, res, (System.nanoTime() - t0) / 1_000_000);
            } else {
                PhaseProgress progress = new PhaseProgress(err(), !noProgress);
                current = progress;
                TrackingPass.Options opts = TrackingPass.Options.defaults().withDetectEvery(detectEvery).withPadFrames(padFrames).withTileSide(tile);
                report = new VideoRedactor(new FrameDetector(ctx.engine(), tile), style, opts).redact(input, output, sparer, progress);
                progress.done();
            }
        } catch (VideoException | io.consentry.image.BadImageException e) {
            progressDone();
            err().println("consentry: " + e.getMessage());
            return GalleryExitCodes.BAD_INPUT;
        }
        ctx.service().recordRedaction(ctx.actor(), sha, String.format(Locale.ROOT, "%s %s margin %.2f: %d frames, %d face-frames redacted, %d tracks, %d spared%s",
                style.mode().name().toLowerCase(Locale.ROOT), style.shape().name().toLowerCase(Locale.ROOT), style.margin(), report.frames(),
                report.redactedFaceFrames(), report.tracks().size(), report.sparedTracks(), exceptCollection == null ? "" : " (except collection)"));
        if (log != null) {
            Path tmp = Files.createTempFile(log.toAbsolutePath().getParent(), "." + log.getFileName(), ".partial");
            Files.write(tmp, io.consentry.video.VideoJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
            Files.move(tmp, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        if (json) {
            out().println(io.consentry.video.VideoJson.MAPPER.writeValueAsString(report));
        } else {
            if (image) {
                out().printf(Locale.ROOT, "redacted %d face%s in 1 frame (%d spared) in %.1f s; wrote %s%n", report.redactedFaceFrames(),
                        report.redactedFaceFrames() == 1 ? "" : "s", report.sparedTracks(), report.millis() / 1000.0, output);
            } else {
                out().printf(Locale.ROOT, "redacted %d face%s in %d frames (%d track%s, %d spared) in %.1f s (%.1f frames/s); wrote %s%n",
                        report.redactedFaceFrames(), report.redactedFaceFrames() == 1 ? "" : "s", report.frames(), report.tracks().size(),
                        report.tracks().size() == 1 ? "" : "s", report.sparedTracks(), report.millis() / 1000.0, report.framesPerSecond(), output);
            }
            if (!image) {
                out().println(report.audioKept() ? "audio kept" : "no audio in the input");
            }
            for (String c : report.changes()) {
                out().println("changed: " + c);
            }
        }
        return GalleryExitCodes.OK;
    }
}
