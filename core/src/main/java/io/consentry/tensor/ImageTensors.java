package io.consentry.tensor;

import io.consentry.geometry.PixelRect;
import io.consentry.image.RgbImage;

/**
 * Turns an image region into a normalised NCHW input plane the way TensorFlow.js does it: crop, zero-pad to a
 * square (bottom/right, or centred with an odd extra pixel after), bilinear resize with
 * {@code align_corners=false, half_pixel_centers=false} (TF's legacy rule: source = dest * in/out, neighbours
 * floor and ceil), then {@code value * scale[c] + offset[c]} per channel. All arithmetic in double as tfjs does.
 */
public final class ImageTensors {
    private ImageTensors() {
    }

    /** Where the square lies relative to the crop. */
    public enum Pad {
        /** image at the top-left, padding after it (face-api.js SSD / tiny detector) */
        BOTTOM_RIGHT,
        /** image centred; with an odd difference the extra pixel goes after (face-api.js landmark/recognition nets) */
        CENTRED
    }

    /**
     * Writes a {@code 3 x size x size} plane into {@code dst} starting at {@code dstOffset}.
     *
     * @param crop   region of {@code img} (must lie inside it and be non-empty)
     * @param bgr    write channels in B,G,R order instead of R,G,B ({@code scale}/{@code offset} follow the output order)
     */
    public static void squareResize(RgbImage img, PixelRect crop, Pad pad, int size, float[] scale, float[] offset,
                                    boolean bgr, float[] dst, int dstOffset) {
        if (crop.isEmpty() || crop.x() < 0 || crop.y() < 0 || crop.x() + crop.width() > img.width() || crop.y() + crop.height() > img.height()) {
            throw new IllegalArgumentException("crop " + crop + " outside image " + img.width() + "x" + img.height());
        }
        int w = crop.width();
        int h = crop.height();
        int side = Math.max(w, h);
        int diff = Math.abs(w - h);
        int before = pad == Pad.CENTRED ? diff - (int) Math.floor(diff * 0.5 + 0.5) : 0;
        int offX = w < h ? before : 0; // image column 0 sits at square column offX
        int offY = h < w ? before : 0;
        double ratio = (double) side / size;

        int[] x0 = new int[size];
        int[] x1 = new int[size];
        double[] fx = new double[size];
        for (int i = 0; i < size; i++) {
            double src = ratio * i;
            x0[i] = (int) Math.floor(src);
            x1[i] = Math.min(side - 1, (int) Math.ceil(src));
            fx[i] = src - x0[i];
        }
        byte[] rgb = img.rgb();
        int stride = img.width() * 3;
        int plane = size * size;
        int[] ch = bgr ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
        double[] tl = new double[3];
        double[] tr = new double[3];
        double[] bl = new double[3];
        double[] br = new double[3];
        for (int oy = 0; oy < size; oy++) {
            double srcY = ratio * oy;
            int y0 = (int) Math.floor(srcY);
            int y1 = Math.min(side - 1, (int) Math.ceil(srcY));
            double fy = srcY - y0;
            int r0 = y0 - offY;
            int r1 = y1 - offY;
            boolean row0 = r0 >= 0 && r0 < h;
            boolean row1 = r1 >= 0 && r1 < h;
            int base0 = (crop.y() + r0) * stride;
            int base1 = (crop.y() + r1) * stride;
            for (int ox = 0; ox < size; ox++) {
                int c0 = x0[ox] - offX;
                int c1 = x1[ox] - offX;
                boolean col0 = c0 >= 0 && c0 < w;
                boolean col1 = c1 >= 0 && c1 < w;
                fetch(rgb, row0 && col0, base0 + (crop.x() + c0) * 3, tl);
                fetch(rgb, row0 && col1, base0 + (crop.x() + c1) * 3, tr);
                fetch(rgb, row1 && col0, base1 + (crop.x() + c0) * 3, bl);
                fetch(rgb, row1 && col1, base1 + (crop.x() + c1) * 3, br);
                double cfx = fx[ox];
                int o = dstOffset + oy * size + ox;
                for (int k = 0; k < 3; k++) {
                    int c = ch[k];
                    double top = tl[c] + (tr[c] - tl[c]) * cfx;
                    double bottom = bl[c] + (br[c] - bl[c]) * cfx;
                    float v = (float) (top + (bottom - top) * fy);
                    dst[o + k * plane] = v * scale[k] + offset[k];
                }
            }
        }
    }

    private static void fetch(byte[] rgb, boolean inside, int i, double[] out) {
        if (inside) {
            out[0] = rgb[i] & 0xff;
            out[1] = rgb[i + 1] & 0xff;
            out[2] = rgb[i + 2] & 0xff;
        } else {
            out[0] = 0;
            out[1] = 0;
            out[2] = 0;
        }
    }
}
