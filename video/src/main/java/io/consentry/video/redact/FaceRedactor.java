package io.consentry.video.redact;

import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;

import java.util.List;

/**
 * Paints faces out of a picture: each box is grown by the style's margin, clipped to the picture, and its pixels
 * (inside the box or its inscribed ellipse) are blurred, pixelated or filled. Pure and thread-safe; the input is not
 * modified.
 */
public final class FaceRedactor {
    private final RedactionStyle style;

    public FaceRedactor(RedactionStyle style) {
        this.style = style;
    }

    public RedactionStyle style() {
        return style;
    }

    /** The area that {@link #apply} covers for a face box: the box grown by the margin on each side (not clipped). */
    public Box covered(Box face) {
        double mx = face.width() * style.margin();
        double my = face.height() * style.margin();
        return new Box(face.x() - mx, face.y() - my, face.width() + 2 * mx, face.height() + 2 * my);
    }

    /** Whether the point (x, y) in picture pixels is inside the area covered for {@code face}. */
    public boolean covers(Box face, double x, double y) {
        Box c = covered(face);
        if (x < c.x() || y < c.y() || x >= c.right() || y >= c.bottom()) {
            return false;
        }
        if (style.shape() == RedactionStyle.Shape.BOX) {
            return true;
        }
        double rx = c.width() / 2;
        double ry = c.height() / 2;
        double dx = (x - (c.x() + rx)) / rx;
        double dy = (y - (c.y() + ry)) / ry;
        return dx * dx + dy * dy <= 1;
    }

    /** A copy of {@code image} with every face box anonymised. */
    public RgbImage apply(RgbImage image, List<Box> faces) {
        if (faces.isEmpty()) {
            return image;
        }
        byte[] out = image.rgb().clone();
        for (Box f : faces) {
            paint(out, image.width(), image.height(), f);
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Anonymises the faces in place in an RGB buffer of {@code w}×{@code h}. */
    public void applyInPlace(byte[] rgb, int w, int h, List<Box> faces) {
        for (Box f : faces) {
            paint(rgb, w, h, f);
        }
    }

    private void paint(byte[] rgb, int w, int h, Box face) {
        Box c = covered(face);
        int x0 = (int) Math.max(0, Math.floor(c.x()));
        int y0 = (int) Math.max(0, Math.floor(c.y()));
        int x1 = (int) Math.min(w, Math.ceil(c.right()));
        int y1 = (int) Math.min(h, Math.ceil(c.bottom()));
        int rw = x1 - x0;
        int rh = y1 - y0;
        if (rw <= 0 || rh <= 0) {
            return;
        }
        int size = (int) Math.max(face.width(), face.height());
        byte[] region = new byte[rw * rh * 3];
        for (int y = 0; y < rh; y++) {
            System.arraycopy(rgb, ((y0 + y) * w + x0) * 3, region, y * rw * 3, rw * 3);
        }
        switch (style.mode()) {
            case BLUR -> blur(region, rw, rh, Math.max(3, size / 6));
            case PIXELATE -> pixelate(region, rw, rh, Math.max(4, size / 8));
            case FILL -> java.util.Arrays.fill(region, (byte) 0);
        }
        boolean ellipse = style.shape() == RedactionStyle.Shape.ELLIPSE;
        double cx = c.x() + c.width() / 2;
        double cy = c.y() + c.height() / 2;
        double rx = c.width() / 2;
        double ry = c.height() / 2;
        for (int y = 0; y < rh; y++) {
            int row = (y0 + y) * w;
            if (!ellipse) {
                System.arraycopy(region, y * rw * 3, rgb, (row + x0) * 3, rw * 3);
                continue;
            }
            double dy = (y0 + y + 0.5 - cy) / ry;
            double span = 1 - dy * dy;
            if (span <= 0) {
                continue;
            }
            double half = rx * Math.sqrt(span);
            int a = (int) Math.max(x0, Math.floor(cx - half));
            int b = (int) Math.min(x1, Math.ceil(cx + half));
            if (b > a) {
                System.arraycopy(region, (y * rw + (a - x0)) * 3, rgb, (row + a) * 3, (b - a) * 3);
            }
        }
    }

    /**
     * Three box-blur passes (close to a Gaussian of sigma ≈ radius) computed on a copy shrunk by about a third of the
     * radius (area average) and enlarged back bilinearly: the same look as blurring at full size, at a small fraction
     * of the cost (the detail removed is far below the shrunk grid anyway).
     */
    static void blur(byte[] px, int w, int h, int radius) {
        int k = Math.max(1, radius / 3);
        if (k == 1) {
            for (int pass = 0; pass < 3; pass++) {
                boxBlurH(px, w, h, radius);
                boxBlurV(px, w, h, radius);
            }
            return;
        }
        int sw = (w + k - 1) / k;
        int sh = (h + k - 1) / k;
        byte[] small = new byte[sw * sh * 3];
        for (int sy = 0; sy < sh; sy++) {
            for (int sx = 0; sx < sw; sx++) {
                int x0 = sx * k, y0 = sy * k, x1 = Math.min(w, x0 + k), y1 = Math.min(h, y0 + k);
                int r = 0, g = 0, b = 0, n = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int i = (y * w + x) * 3;
                        r += px[i] & 0xff;
                        g += px[i + 1] & 0xff;
                        b += px[i + 2] & 0xff;
                        n++;
                    }
                }
                int o = (sy * sw + sx) * 3;
                small[o] = (byte) (r / n);
                small[o + 1] = (byte) (g / n);
                small[o + 2] = (byte) (b / n);
            }
        }
        int r = Math.max(1, Math.round(radius / (float) k));
        for (int pass = 0; pass < 3; pass++) {
            boxBlurH(small, sw, sh, r);
            boxBlurV(small, sw, sh, r);
        }
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, Math.min(sh - 1, (y + 0.5) / k - 0.5));
            int y0 = (int) fy;
            int y1 = Math.min(sh - 1, y0 + 1);
            double ty = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, Math.min(sw - 1, (x + 0.5) / k - 0.5));
                int x0 = (int) fx;
                int x1 = Math.min(sw - 1, x0 + 1);
                double tx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double top = (small[(y0 * sw + x0) * 3 + c] & 0xff) * (1 - tx) + (small[(y0 * sw + x1) * 3 + c] & 0xff) * tx;
                    double bot = (small[(y1 * sw + x0) * 3 + c] & 0xff) * (1 - tx) + (small[(y1 * sw + x1) * 3 + c] & 0xff) * tx;
                    px[(y * w + x) * 3 + c] = (byte) Math.round(top * (1 - ty) + bot * ty);
                }
            }
        }
    }

    /** Horizontal running-sum box blur with edge clamping, per channel. */
    private static void boxBlurH(byte[] px, int w, int h, int r) {
        int[] line = new int[w * 3];
        int win = 2 * r + 1;
        for (int y = 0; y < h; y++) {
            int base = y * w * 3;
            for (int ch = 0; ch < 3; ch++) {
                int sum = 0;
                for (int k = -r; k <= r; k++) {
                    sum += px[base + clamp(k, w) * 3 + ch] & 0xff;
                }
                for (int x = 0; x < w; x++) {
                    line[x * 3 + ch] = sum / win;
                    sum += (px[base + clamp(x + r + 1, w) * 3 + ch] & 0xff) - (px[base + clamp(x - r, w) * 3 + ch] & 0xff);
                }
            }
            for (int i = 0; i < w * 3; i++) {
                px[base + i] = (byte) line[i];
            }
        }
    }

    private static void boxBlurV(byte[] px, int w, int h, int r) {
        int[] col = new int[h];
        int win = 2 * r + 1;
        for (int x = 0; x < w; x++) {
            for (int ch = 0; ch < 3; ch++) {
                int off = x * 3 + ch;
                int sum = 0;
                for (int k = -r; k <= r; k++) {
                    sum += px[clamp(k, h) * w * 3 + off] & 0xff;
                }
                for (int y = 0; y < h; y++) {
                    col[y] = sum / win;
                    sum += (px[clamp(y + r + 1, h) * w * 3 + off] & 0xff) - (px[clamp(y - r, h) * w * 3 + off] & 0xff);
                }
                for (int y = 0; y < h; y++) {
                    px[y * w * 3 + off] = (byte) col[y];
                }
            }
        }
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    }

    private static void pixelate(byte[] px, int w, int h, int block) {
        for (int by = 0; by < h; by += block) {
            for (int bx = 0; bx < w; bx += block) {
                int ex = Math.min(w, bx + block);
                int ey = Math.min(h, by + block);
                long r = 0, g = 0, b = 0;
                int n = 0;
                for (int y = by; y < ey; y++) {
                    for (int x = bx; x < ex; x++) {
                        int i = (y * w + x) * 3;
                        r += px[i] & 0xff;
                        g += px[i + 1] & 0xff;
                        b += px[i + 2] & 0xff;
                        n++;
                    }
                }
                byte rr = (byte) (r / n), gg = (byte) (g / n), bb = (byte) (b / n);
                for (int y = by; y < ey; y++) {
                    for (int x = bx; x < ex; x++) {
                        int i = (y * w + x) * 3;
                        px[i] = rr;
                        px[i + 1] = gg;
                        px[i + 2] = bb;
                    }
                }
            }
        }
    }
}
