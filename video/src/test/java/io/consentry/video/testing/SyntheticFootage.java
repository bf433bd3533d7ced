package io.consentry.video.testing;

import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import io.consentry.testing.TestPacks;
import io.consentry.video.io.VideoWriter;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test videos with known ground truth: LFW photos (../shared/datasets/lfw) moving in straight lines over a textured
 * background, entering and leaving, crossing paths, many at once. The face box of each photo is found once with the
 * real engine on the still photo, then moved with the photo, so the ground truth is the face box a perfect detector
 * would report in every frame.
 */
public final class SyntheticFootage {
    /**
     * One person in the video: an LFW photo drawn as a {@code size}×{@code size} square whose top-left corner moves
     * linearly from ({@code x0},{@code y0}) at {@code firstFrame} to ({@code x1},{@code y1}) at {@code lastFrame}
     * (inclusive); absent outside that range.
     */
    public record Walker(int id, String lfwPerson, int photo, int size, int firstFrame, int lastFrame, double x0, double y0, double x1, double y1) {
        Box rectAt(int frame) {
            double t = lastFrame == firstFrame ? 0 : (frame - firstFrame) / (double) (lastFrame - firstFrame);
            return new Box(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, size, size);
        }
    }

    /** One face present in one frame: which walker, and its face box in frame pixels. */
    public record TruthFace(int walkerId, Box face) {
    }

    /** A written video and its ground truth ({@code truth.get(frame)} lists the faces in that frame). */
    public record Footage(Path file, int width, int height, double fps, int frames, List<List<TruthFace>> truth, List<Walker> walkers) {
        /** Total face-frames (sum over frames of faces present). */
        public long faceFrames() {
            return truth.stream().mapToLong(List::size).sum();
        }
    }

    private static final Map<String, Box> FACE_IN_PHOTO = new HashMap<>();

    private SyntheticFootage() {
    }

    /** The {@code photo}-th (1-based, in name order) LFW photo of {@code person} in the subset. */
    public static Path lfw(String person, int photo) throws IOException {
        try (var s = Files.list(TestPacks.shared().resolve("datasets/lfw").resolve(person))) {
            List<Path> all = s.sorted().toList();
            return all.get((photo - 1) % all.size());
        }
    }

    /** People of the LFW subset with at least {@code minPhotos} photos, sorted by name. */
    public static List<String> lfwPeople(int minPhotos) throws IOException {
        try (var s = Files.list(TestPacks.shared().resolve("datasets/lfw"))) {
            return s.filter(p -> {
                try (var f = Files.list(p)) {
                    return f.count() >= minPhotos;
                } catch (IOException e) {
                    return false;
                }
            }).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The {@code photo}-th photo of {@code person} or the next one (wrapping) in which the engine finds exactly one
     * face: LFW photos often show other people in the background, whose faces would be real but unlisted in the truth.
     */
    static Path singleFacePhoto(FaceEngine engine, String person, int photo) throws Exception {
        try (var s = Files.list(TestPacks.shared().resolve("datasets/lfw").resolve(person))) {
            List<Path> all = s.sorted().toList();
            for (int k = 0; k < all.size(); k++) {
                Path p = all.get((photo - 1 + k) % all.size());
                if (engine.detect(engine.load(p)).size() == 1) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("no single-face photo of " + person);
    }

    /** Face box of the largest face in the photo, in photo pixels (cached). */
    static synchronized Box faceInPhoto(FaceEngine engine, Path photo) throws Exception {
        Box cached = FACE_IN_PHOTO.get(photo.toString());
        if (cached != null) {
            return cached;
        }
        List<Face> faces = engine.detect(engine.load(photo));
        Face best = faces.stream().max(Comparator.comparingDouble(f -> f.box().area()))
                .orElseThrow(() -> new IllegalStateException("no face in " + photo));
        FACE_IN_PHOTO.put(photo.toString(), best.box());
        return best.box();
    }

    /** Writes the video (with a 440 Hz tone when {@code audio}) and returns it with its ground truth. */
    public static Footage write(Path file, int width, int height, double fps, int frames, List<Walker> walkers, boolean audio, FaceEngine engine)
            throws Exception {
        Map<Integer, BufferedImage> sprites = new HashMap<>();
        Map<Integer, Box> faceBoxes = new HashMap<>();
        for (Walker w : walkers) {
            Path photo = singleFacePhoto(engine, w.lfwPerson(), w.photo());
            BufferedImage src = ImageIO.read(photo.toFile());
            BufferedImage scaled = new BufferedImage(w.size(), w.size(), BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, w.size(), w.size(), null);
            g.dispose();
            sprites.put(w.id(), scaled);
            Box f = faceInPhoto(engine, photo);
            double s = w.size() / (double) src.getWidth();
            faceBoxes.put(w.id(), new Box(f.x() * s, f.y() * s, f.width() * s, f.height() * s));
        }
        BufferedImage background = background(width, height);
        List<List<TruthFace>> truth = new ArrayList<>();
        int sampleRate = 44100;
        try (VideoWriter out = VideoWriter.create(file, new VideoWriter.Spec(width, height, fps, 0, 0, audio ? 1 : 0, sampleRate, 0, 0))) {
            BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            long samplesWritten = 0;
            for (int i = 0; i < frames; i++) {
                Graphics2D g = frame.createGraphics();
                g.drawImage(background, 0, 0, null);
                List<TruthFace> present = new ArrayList<>();
                for (Walker w : walkers) {
                    if (i < w.firstFrame() || i > w.lastFrame()) {
                        continue;
                    }
                    Box r = w.rectAt(i);
                    int x = (int) Math.round(r.x());
                    int y = (int) Math.round(r.y());
                    // an oval cut-out around the photo's centre (where LFW puts the main face): people in the
                    // background of a photo would be real faces missing from the ground truth
                    g.setClip(new java.awt.geom.Ellipse2D.Double(x + w.size() * 0.17, y + w.size() * 0.1, w.size() * 0.66, w.size() * 0.82));
                    g.drawImage(sprites.get(w.id()), x, y, null);
                    g.setClip(null);
                    Box fb = faceBoxes.get(w.id());
                    Box face = new Box(x + fb.x(), y + fb.y(), fb.width(), fb.height());
                    // a face counts when at least half of it is inside the frame
                    Box clipped = clip(face, width, height);
                    if (clipped.area() >= 0.5 * face.area()) {
                        present.add(new TruthFace(w.id(), face));
                    }
                }
                g.dispose();
                // later walkers are drawn on top: drop faces more than half covered by a later sprite
                truth.add(visible(present, walkers, i));
                long ts = Math.round(i * 1_000_000.0 / fps);
                out.writeImage(toRgb(frame), ts);
                if (audio) {
                    long upTo = Math.round((i + 1) * sampleRate / fps);
                    short[] pcm = new short[(int) (upTo - samplesWritten)];
                    for (int k = 0; k < pcm.length; k++) {
                        pcm[k] = (short) (8000 * Math.sin(2 * Math.PI * 440 * (samplesWritten + k) / sampleRate));
                    }
                    samplesWritten = upTo;
                    out.writeAudio(pcm, sampleRate, 1);
                }
            }
            out.commit();
        }
        return new Footage(file, width, height, fps, frames, truth, List.copyOf(walkers));
    }

    private static List<TruthFace> visible(List<TruthFace> present, List<Walker> walkers, int frame) {
        List<TruthFace> out = new ArrayList<>();
        for (TruthFace f : present) {
            boolean covered = false;
            boolean later = false;
            for (Walker w : walkers) {
                if (w.id() == f.walkerId()) {
                    later = true;
                    continue;
                }
                if (later && frame >= w.firstFrame() && frame <= w.lastFrame()) {
                    Box r = w.rectAt(frame);
                    double inter = intersection(f.face(), r);
                    if (inter > 0.5 * f.face().area()) {
                        covered = true;
                    }
                }
            }
            if (!covered) {
                out.add(f);
            }
        }
        return out;
    }

    static double intersection(Box a, Box b) {
        double iw = Math.min(a.right(), b.right()) - Math.max(a.x(), b.x());
        double ih = Math.min(a.bottom(), b.bottom()) - Math.max(a.y(), b.y());
        return iw <= 0 || ih <= 0 ? 0 : iw * ih;
    }

    static Box clip(Box b, int w, int h) {
        double x = Math.max(0, b.x());
        double y = Math.max(0, b.y());
        return new Box(x, y, Math.max(0, Math.min(w, b.right()) - x), Math.max(0, Math.min(h, b.bottom()) - y));
    }

    /** A deterministic textured background (gradient plus mid-frequency noise), so the encoder has real work. */
    static BufferedImage background(int width, int height) {
        BufferedImage bg = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Random rnd = new Random(7);
        byte[] px = ((DataBufferByte) bg.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int n = rnd.nextInt(24);
                int i = (y * width + x) * 3;
                px[i] = (byte) (60 + 80 * x / width + n);          // B
                px[i + 1] = (byte) (90 + 40 * y / height + n);      // G
                px[i + 2] = (byte) (70 + 30 * (x + y) / (width + height) + n); // R
            }
        }
        return bg;
    }

    static RgbImage toRgb(BufferedImage bgr) {
        byte[] src = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[src.length];
        for (int i = 0; i < src.length; i += 3) {
            rgb[i] = src[i + 2];
            rgb[i + 1] = src[i + 1];
            rgb[i + 2] = src[i];
        }
        return new RgbImage(bgr.getWidth(), bgr.getHeight(), rgb);
    }

    // ---- ready-made scenes ---------------------------------------------------------------------------------------

    /** Two people walking towards each other across the frame; their paths cross in the middle. */
    public static List<Walker> crossing(int width, int height, int frames) {
        int size = Math.min(220, height / 3);
        double y = height / 2.0 - size / 2.0;
        return List.of(
                new Walker(1, "George_W_Bush", 1, size, 0, frames - 1, 20, y - 10, width - size - 20, y + 10),
                new Walker(2, "Colin_Powell", 1, size, 0, frames - 1, width - size - 20, y + 10, 20, y - 10));
    }

    /** {@code n} people on a grid, each drifting slowly; some enter late and leave early. */
    public static List<Walker> crowd(List<String> people, int n, int width, int height, int frames, int size, long seed) {
        Random rnd = new Random(seed);
        int cols = (int) Math.ceil(Math.sqrt(n * width / (double) height));
        int rows = (int) Math.ceil(n / (double) cols);
        double cw = width / (double) cols;
        double ch = height / (double) rows;
        List<Walker> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double cx = (i % cols) * cw + (cw - size) / 2;
            double cy = (i / cols) * ch + (ch - size) / 2;
            double dx = (rnd.nextDouble() - 0.5) * Math.max(0, cw - size);
            double dy = (rnd.nextDouble() - 0.5) * Math.max(0, ch - size);
            int first = i % 5 == 0 ? frames / 4 : 0;
            int last = i % 7 == 0 ? frames * 3 / 4 : frames - 1;
            out.add(new Walker(i + 1, people.get(i % people.size()), 1, size, first, last, cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2));
        }
        return out;
    }

    /** A few people walking in and out of a gate camera's view at different times. */
    public static List<Walker> gate(int width, int height, int frames) {
        int size = height / 4;
        return List.of(
                new Walker(1, "George_W_Bush", 2, size, 0, frames / 2, -size / 2.0, height * 0.15, width * 0.6, height * 0.2),
                new Walker(2, "Colin_Powell", 2, size, frames / 5, frames - 1, width, height * 0.5, width * 0.3, height * 0.45),
                new Walker(3, "Tony_Blair", 1, size, frames / 3, frames - 1, width * 0.1, height, width * 0.2, height * 0.55),
                new Walker(4, "Donald_Rumsfeld", 1, size, 0, frames - 1, width * 0.75, height * 0.1, width * 0.7, height * 0.15));
    }
}
