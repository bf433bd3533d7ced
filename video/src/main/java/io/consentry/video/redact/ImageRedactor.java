package io.consentry.video.redact;

import io.consentry.ConsentryException;
import io.consentry.detect.Detection;
import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import io.consentry.video.VideoException;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.TrackingPass;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Redacts every face in a still image (detected on the whole image and, for large images, on overlapping tiles), except
 * faces a {@link FaceSparer} keeps. Thread-safe.
 */
public final class ImageRedactor {
    private final FrameDetector detector;
    private final FaceRedactor redactor;

    public ImageRedactor(FrameDetector detector, RedactionStyle style) {
        this.detector = detector;
        this.redactor = new FaceRedactor(style);
    }

    /** The redacted picture and what was done. */
    public record Result(RgbImage image, List<Box> redacted, int spared) {
    }

    public Result redact(RgbImage image, FaceSparer sparer) throws ConsentryException {
        List<Box> redacted = new ArrayList<>();
        int spared = 0;
        for (Detection d : detector.detect(image)) {
            if (sparer != FaceSparer.NOBODY && sparer.spare(TrackingPass.cropAround(image, d.box(), 1.0))) {
                spared++;
            } else {
                redacted.add(d.box());
            }
        }
        return new Result(redactor.apply(image, redacted), List.copyOf(redacted), spared);
    }

    /** A report for an image redaction (one "frame"). */
    public RedactionReport report(String input, String output, RgbImage image, Result r, long millis) {
        List<RedactionReport.TrackEntry> entries = new ArrayList<>();
        long id = 1;
        for (Box b : r.redacted()) {
            entries.add(new RedactionReport.TrackEntry(id++, 0, 0, 0, 0, false,
                    List.of(new double[]{0, Math.round(b.x() * 10) / 10.0, Math.round(b.y() * 10) / 10.0, Math.round(b.width() * 10) / 10.0,
                            Math.round(b.height() * 10) / 10.0})));
        }
        return new RedactionReport(input, output, redactor.style(), image.width(), image.height(), 1, 1, r.redacted().size(), entries,
                r.spared(), false, List.of(), millis);
    }

    /** Image formats {@link #write} supports, by extension. */
    public static boolean isImageExtension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp");
    }

    /** Writes {@code image} as PNG, JPEG or BMP (by extension) through a temporary file renamed into place. */
    public static void write(RgbImage image, Path out) throws VideoException {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new VideoException("output folder does not exist or is not writable: " + dir);
        }
        String format = format(abs);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".partial");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                encode(image, format, os);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new VideoException("cannot write " + abs.getFileName() + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // partial file keeps its .partial name
                }
            }
        }
    }

    /** PNG bytes of an image. */
    public static byte[] png(RgbImage image) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            encode(image, "png", bos);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding to memory failed", e);
        }
        return bos.toByteArray();
    }

    /** JPEG bytes of an image (quality: ImageIO's default, 0.75). */
    public static byte[] jpeg(RgbImage image) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            encode(image, "jpg", bos);
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding to memory failed", e);
        }
        return bos.toByteArray();
    }

    private static String format(Path p) throws VideoException {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "jpg";
        }
        if (n.endsWith(".bmp")) {
            return "bmp";
        }
        throw new VideoException("cannot write '" + p.getFileName() + "': use .png, .jpg or .bmp for images");
    }

    private static void encode(RgbImage image, String format, OutputStream os) throws IOException {
        BufferedImage bi = io.consentry.image.ImageDecoder.toBufferedImage(image);
        if (!ImageIO.write(bi, format, os)) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }
}
