package io.consentry.video.pipeline;

import io.consentry.ConsentryException;
import io.consentry.detect.Detection;
import io.consentry.detect.FaceDetector;
import io.consentry.engine.FaceEngine;
import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Face detection on video frames. Calls the engine's detector directly (no scale fallback: an empty frame costs one
 * pass, not three) and, for frames larger than about 1.5× the detector's 512 px input, splits the frame into
 * overlapping square tiles (side: the frame's shorter side, at most {@code tileSide}) so small faces keep enough
 * pixels: SSD MobileNet sees a whole 1280×720 frame at 0.4× scale, but each of its two 720×720 tiles at 0.71×; a
 * 1920×1080 frame becomes two 1080×1080 tiles at 0.47×. Detections from tiles are mapped back and merged: of two
 * boxes where one lies mostly (≥ 60 % of the smaller) inside the other, the lower-scored one is dropped.
 * Thread-safe (the engine is).
 */
public final class FrameDetector {
    private final FaceDetector detector;
    private final double minScore;
    private final int maxFaces;
    private final int tileSide;
    private final boolean wholeFrameToo;
    private final java.util.concurrent.ExecutorService tilePool;
    /** Frames whose longer side is at most this (1.5 × the detector's 512 px input) are detected whole. */
    static final int NO_TILING_BELOW = 768;
    /** Default largest tile side: 1080 px (two tiles for 720p and 1080p, 16:9). */
    public static final int DEFAULT_TILE = 1080;

    /** Tiled detection without the extra whole-frame pass (for video). */
    public FrameDetector(FaceEngine engine, int tileSide) {
        this(engine, tileSide, false);
    }

    /**
     * @param tileSide largest side of a square tile in pixels; 0 for no tiling. Frames whose longer side is at most
     *                 768 px are not tiled.
     * @param wholeFrameToo when tiling, also detect on the whole frame, for faces larger than a tile (photos)
     */
    public FrameDetector(FaceEngine engine, int tileSide, boolean wholeFrameToo) {
        this(engine, tileSide, wholeFrameToo, null);
    }

    /**
     * @param tilePool when not null, the tiles of one frame are detected concurrently on it (for live sources, where
     *                 frames come one at a time); null runs them one after the other on the caller's thread
     */
    public FrameDetector(FaceEngine engine, int tileSide, boolean wholeFrameToo, java.util.concurrent.ExecutorService tilePool) {
        this.tilePool = tilePool;
        this.wholeFrameToo = wholeFrameToo;
        this.detector = engine.detector();
        this.minScore = engine.minScore();
        this.maxFaces = Math.max(engine.options().maxFaces(), 100);
        this.tileSide = tileSide;
    }

    /** Tiles used for a frame of the given size (one tile = the whole frame). */
    public List<Box> tiles(int width, int height) {
        if (tileSide <= 0 || Math.max(width, height) <= NO_TILING_BELOW) {
            return List.of(new Box(0, 0, width, height));
        }
        int side = Math.min(tileSide, Math.min(width, height));
        List<Box> out = new ArrayList<>();
        for (int y : starts(height, side)) {
            for (int x : starts(width, side)) {
                out.add(new Box(x, y, side, side));
            }
        }
        return out;
    }

    /** Tile origins along one axis: at least 20 % overlap, first at 0, last flush with the end. */
    private static int[] starts(int length, int side) {
        if (length <= side) {
            return new int[]{0};
        }
        int n = (int) Math.ceil((length - side) / (side * 0.8)) + 1;
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (int) Math.round(i * (length - side) / (double) (n - 1));
        }
        return s;
    }

    /** Faces in the frame, best first. */
    public List<Detection> detect(RgbImage frame) throws ConsentryException {
        List<Box> tiles = tiles(frame.width(), frame.height());
        if (tiles.size() == 1) {
            return detector.detect(frame, minScore, maxFaces);
        }
        List<Detection> all = new ArrayList<>();
        if (wholeFrameToo) {
            all.addAll(detector.detect(frame, minScore, maxFaces));
        }
        if (tilePool == null) {
            for (Box t : tiles) {
                all.addAll(detectTile(frame, t));
            }
            return merge(all);
        }
        List<java.util.concurrent.Future<List<Detection>>> futures = new ArrayList<>();
        for (Box t : tiles) {
            futures.add(tilePool.submit(() -> detectTile(frame, t)));
        }
        try {
            for (java.util.concurrent.Future<List<Detection>> f : futures) {
                all.addAll(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new ConsentryException("detection interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ConsentryException ce) {
                throw ce;
            }
            throw new ConsentryException("face detection failed: " + e.getCause(), e.getCause());
        }
        return merge(all);
    }

    private List<Detection> detectTile(RgbImage frame, Box t) throws ConsentryException {
        RgbImage tile = crop(frame, (int) t.x(), (int) t.y(), (int) t.width(), (int) t.height());
        List<Detection> out = new ArrayList<>();
        for (Detection d : detector.detect(tile, minScore, maxFaces)) {
            Box b = d.box();
            out.add(new Detection(new Box(b.x() + t.x(), b.y() + t.y(), b.width(), b.height()), d.score(),
                    d.landmarks5().stream().map(p -> new io.consentry.geometry.Point(p.x() + t.x(), p.y() + t.y())).toList()));
        }
        return out;
    }

    static List<Detection> merge(List<Detection> all) {
        List<Detection> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean dup = false;
            for (Detection k : kept) {
                double inter = intersection(d.box(), k.box());
                if (inter >= 0.6 * Math.min(d.box().area(), k.box().area())) {
                    dup = true;
                    break;
                }
            }
            if (!dup) {
                kept.add(d);
            }
        }
        return kept;
    }

    static double intersection(Box a, Box b) {
        double iw = Math.min(a.right(), b.right()) - Math.max(a.x(), b.x());
        double ih = Math.min(a.bottom(), b.bottom()) - Math.max(a.y(), b.y());
        return iw <= 0 || ih <= 0 ? 0 : iw * ih;
    }

    /** A copy of the rectangle of {@code img}; the rectangle must lie inside. */
    public static RgbImage crop(RgbImage img, int x, int y, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            System.arraycopy(img.rgb(), ((y + r) * img.width() + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
