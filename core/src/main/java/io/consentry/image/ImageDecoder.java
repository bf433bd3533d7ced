package io.consentry.image;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.jpeg.JpegSegmentMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Decodes JPEG, PNG, BMP, GIF and WebP files into {@link RgbImage}s (8-bit, interleaved R,G,B), with safety limits
 * checked before any pixel memory is allocated.
 *
 * <p>Format is recognised from the leading bytes (never from the file name). JPEG and WebP are read with the
 * TwelveMonkeys readers (CMYK, YCCK, grayscale and ICC-tagged JPEGs are converted to sRGB by the reader); PNG, BMP
 * and GIF with the JDK readers. Grayscale images are expanded to R=G=B using the stored sample value; 16-bit samples
 * are rounded to 8 bits; an alpha channel is dropped (colour channels are kept as stored, <em>not</em> composited over
 * any background, so a fully transparent pixel shows whatever colour the file stores for it). Only the first frame of
 * an animated GIF is read. For JPEG the EXIF orientation tag (1..8) is applied, so the result is upright as a viewer
 * would show it; orientation metadata of other formats is ignored.
 *
 * <p>Truncated files are refused rather than returned half grey: a JPEG must reach its end-of-image marker (found by
 * walking the marker structure, so bytes after it and thumbnails inside APP segments do not matter), a WebP must be
 * as long as its RIFF header says, and PNG, GIF and BMP readers fail on missing data by themselves.
 */
public final class ImageDecoder {

    /** Shown for anything that is not one of the supported formats. */
    static final String NOT_SUPPORTED = "not a supported image (JPEG, PNG, BMP, GIF, WebP)";

    private static final int MAX_REASON_CHARS = 200;

    static {
        // Decode from memory only: no temporary files in java.io.tmpdir for every image.
        ImageIO.setUseCache(false);
    }

    private enum Format {
        JPEG("JPEG", "jpeg"), PNG("PNG", "png"), BMP("BMP", "bmp"), GIF("GIF", "gif"), WEBP("WebP", "webp");

        final String label;
        final String imageIoName;

        Format(String label, String imageIoName) {
            this.label = label;
            this.imageIoName = imageIoName;
        }
    }

    private ImageDecoder() {
    }

    /**
     * Decodes an image file (JPEG, PNG, BMP, GIF first frame, WebP) to 8-bit RGB, applying JPEG EXIF orientation.
     * The file size is checked against {@link ImageLimits#maxFileBytes()} before the file is read, and the
     * width*height from the header against {@link ImageLimits#maxPixels()} before pixels are decoded.
     *
     * @param file   the image file
     * @param limits safety limits
     * @return the decoded image, channels R,G,B interleaved, top-left first
     * @throws BadImageException if the file is missing, empty, too large, not a supported format, truncated or
     *                           corrupt; the message names the file and the reason
     */
    public static RgbImage decode(Path file, ImageLimits limits) throws BadImageException {
        String name = String.valueOf(file);
        long size;
        try {
            if (Files.isDirectory(file)) {
                throw new BadImageException(name + ": is a directory, not an image file");
            }
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new BadImageException(name + ": file not found");
        } catch (IOException | SecurityException e) {
            throw new BadImageException(name + ": cannot read file (" + reason(e) + ")", e);
        }
        checkFileSize(name, size, limits);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Read at most one byte more than allowed, in case the file grew after the size check.
            int cap = (int) Math.min(limits.maxFileBytes() + 1, Integer.MAX_VALUE - 16);
            bytes = in.readNBytes(cap);
        } catch (IOException | SecurityException e) {
            throw new BadImageException(name + ": cannot read file (" + reason(e) + ")", e);
        }
        return decode(bytes, name, limits);
    }

    /**
     * Decodes an encoded image held in memory; see {@link #decode(Path, ImageLimits)}.
     *
     * @param bytes      the encoded image (JPEG, PNG, BMP, GIF, WebP)
     * @param sourceName used only in error messages (e.g. the file name or URL it came from)
     * @param limits     safety limits
     * @return the decoded image, channels R,G,B interleaved, top-left first
     * @throws BadImageException if the data is empty, too large, not a supported format, truncated or corrupt
     */
    public static RgbImage decode(byte[] bytes, String sourceName, ImageLimits limits) throws BadImageException {
        String name = sourceName == null ? "<image>" : sourceName;
        if (bytes == null) {
            throw new BadImageException(name + ": no image data");
        }
        checkFileSize(name, bytes.length, limits);
        Format format = sniff(bytes);
        if (format == null) {
            throw new BadImageException(name + ": " + NOT_SUPPORTED);
        }
        checkComplete(name, format, bytes);

        ImageReader reader = findReader(format);
        if (reader == null) {
            throw new BadImageException(name + ": no " + format.label + " decoder is available in this installation");
        }
        BufferedImage image;
        List<String> truncationWarnings = new ArrayList<>();
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(truncationWarningCollector(truncationWarnings));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixels(name, format, width, height, limits);
            ImageReadParam param = reader.getDefaultReadParam();
            image = reader.read(0, param);
        } catch (BadImageException e) {
            throw e;
        } catch (EOFException e) {
            throw new BadImageException(name + ": truncated " + format.label + " data (unexpected end of file)", e);
        } catch (IIOException e) {
            if (hasCause(e, EOFException.class)) {
                throw new BadImageException(name + ": truncated " + format.label + " data (unexpected end of file)", e);
            }
            throw new BadImageException(name + ": corrupt or truncated " + format.label + " data (" + reason(e) + ")", e);
        } catch (IOException e) {
            throw new BadImageException(name + ": cannot read " + format.label + " data (" + reason(e) + ")", e);
        } catch (RuntimeException e) {
            // e.g. "imageIndex out of bounds" for a GIF without frames, array overruns inside a decoder
            throw new BadImageException(name + ": corrupt " + format.label + " data (" + reason(e) + ")", e);
        } finally {
            reader.dispose();
        }
        if (!truncationWarnings.isEmpty()) {
            throw new BadImageException(name + ": truncated " + format.label + " data (" + oneLine(truncationWarnings.get(0)) + ")");
        }
        if (image == null) {
            throw new BadImageException(name + ": " + format.label + " decoder returned no image");
        }
        // The header check above guards allocation; re-check the actual raster in case a decoder disagrees.
        checkPixels(name, format, image.getWidth(), image.getHeight(), limits);
        RgbImage rgb;
        try {
            rgb = new RgbImage(image.getWidth(), image.getHeight(), toRgbBytes(image));
        } catch (RuntimeException e) {
            throw new BadImageException(name + ": cannot convert " + format.label + " pixels to RGB (" + reason(e) + ")", e);
        }
        if (format == Format.JPEG) {
            rgb = applyOrientation(rgb, readJpegOrientation(bytes));
        }
        return rgb;
    }

    /**
     * Copies an {@link RgbImage} into a new {@link BufferedImage#TYPE_3BYTE_BGR} image (e.g. for drawing annotations);
     * changes to the result do not affect {@code img}.
     */
    public static BufferedImage toBufferedImage(RgbImage img) {
        int w = img.width();
        int h = img.height();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] src = img.rgb();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        return out;
    }

    /**
     * Writes {@code img} as an 8-bit RGB PNG (lossless), replacing {@code out} if it exists.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writePng(RgbImage img, Path out) throws IOException {
        BufferedImage bi = toBufferedImage(img);
        try (OutputStream os = Files.newOutputStream(out)) {
            if (!ImageIO.write(bi, "png", os)) {
                throw new IOException("no PNG writer available");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Checks

    private static void checkFileSize(String name, long size, ImageLimits limits) throws BadImageException {
        if (size == 0) {
            throw new BadImageException(name + ": empty file (0 bytes)");
        }
        if (size > limits.maxFileBytes()) {
            throw new BadImageException(name + ": file is " + size + " bytes, above the file size limit of "
                    + limits.maxFileBytes() + " bytes");
        }
    }

    private static void checkPixels(String name, Format format, int width, int height, ImageLimits limits)
            throws BadImageException {
        if (width <= 0 || height <= 0) {
            throw new BadImageException(name + ": corrupt " + format.label + " header (image size " + width + "x" + height + ")");
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new BadImageException(name + ": image is " + width + "x" + height + " (" + pixels
                    + " pixels), above the pixel limit of " + limits.maxPixels() + " pixels");
        }
        if (pixels * 3 > Integer.MAX_VALUE - 16) {
            throw new BadImageException(name + ": image is " + width + "x" + height
                    + ", too large for an in-memory RGB raster");
        }
    }

    private static Format sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Format.JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return Format.PNG;
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return Format.GIF;
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            return Format.BMP;
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Format.WEBP;
        }
        return null;
    }

    /**
     * Cheap structural checks for truncation that decoders would otherwise paper over (the JPEG decoder fills a
     * missing tail with grey and only emits a warning).
     */
    private static void checkComplete(String name, Format format, byte[] b) throws BadImageException {
        switch (format) {
            case JPEG -> {
                if (!jpegReachesEoi(b)) {
                    throw new BadImageException(name + ": truncated JPEG data (no end-of-image marker; the file is incomplete)");
                }
            }
            case WEBP -> {
                long riffSize = (b[4] & 0xffL) | (b[5] & 0xffL) << 8 | (b[6] & 0xffL) << 16 | (b[7] & 0xffL) << 24;
                if (b.length < riffSize + 8) {
                    throw new BadImageException(name + ": truncated WebP data (file has " + b.length
                            + " bytes, its header declares " + (riffSize + 8) + ")");
                }
            }
            default -> {
                // PNG, GIF, BMP decoders fail on their own with an EOF error when data is missing.
            }
        }
    }

    /**
     * Walks the JPEG marker structure (skipping segments by their lengths and entropy-coded data by its byte
     * stuffing) and reports whether an EOI marker (FFD9) is reached. Bytes after EOI (padding, vendor trailers) are
     * ignored, and an EOI inside an embedded EXIF thumbnail is skipped along with its segment.
     */
    static boolean jpegReachesEoi(byte[] d) {
        int n = d.length;
        int i = 2; // after SOI
        while (i < n) {
            // Find the next marker: skip stray bytes (libjpeg tolerates them too), then fill bytes 0xFF.
            while (i < n && (d[i] & 0xff) != 0xFF) {
                i++;
            }
            while (i < n && (d[i] & 0xff) == 0xFF) {
                i++;
            }
            if (i >= n) {
                return false;
            }
            int marker = d[i++] & 0xff;
            if (marker == 0xD9) {
                return true;
            }
            if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                continue; // no length field
            }
            if (i + 2 > n) {
                return false;
            }
            int len = (d[i] & 0xff) << 8 | (d[i + 1] & 0xff);
            if (len < 2) {
                return false;
            }
            if ((long) i + len > n) {
                return false;
            }
            i += len;
            if (marker == 0xDA) {
                // Entropy-coded data: runs until a marker other than a stuffed zero or a restart marker.
                while (i < n) {
                    if ((d[i] & 0xff) != 0xFF) {
                        i++;
                        continue;
                    }
                    int j = i + 1;
                    while (j < n && (d[j] & 0xff) == 0xFF) {
                        j++;
                    }
                    if (j >= n) {
                        return false;
                    }
                    int next = d[j] & 0xff;
                    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                        i = j + 1;
                    } else {
                        break; // a real marker at i; the outer loop reads it
                    }
                }
            }
        }
        return false;
    }

    static IIOReadWarningListener truncationWarningCollector(List<String> sink) {
        return (source, warning) -> {
            if (warning == null) {
                return;
            }
            String w = warning.toLowerCase(Locale.ROOT);
            // The JDK JPEG decoder's "Truncated File - Missing EOI marker" (libjpeg: "Premature end of JPEG file"),
            // raised when it pads missing data with grey. Other warnings (extraneous bytes, odd APPn segments,
            // ICC quirks, thumbnails) are harmless and ignored.
            if (w.contains("truncated file") || w.contains("missing eoi") || w.contains("premature end of jpeg file")) {
                sink.add(warning);
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Readers

    private static ImageReader findReader(Format format) {
        ImageReader fallback = null;
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.imageIoName);
        while (it.hasNext()) {
            ImageReader r = it.next();
            boolean twelveMonkeys = r.getClass().getName().startsWith("com.twelvemonkeys.");
            boolean preferTwelveMonkeys = format == Format.JPEG || format == Format.WEBP;
            if (!preferTwelveMonkeys || twelveMonkeys) {
                if (fallback != null) {
                    fallback.dispose();
                }
                return r;
            }
            if (fallback == null) {
                fallback = r;
            } else {
                r.dispose();
            }
        }
        return fallback;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pixel conversion

    /** Converts any BufferedImage to interleaved 8-bit RGB; direct raster access for common layouts. */
    static byte[] toRgbBytes(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof ComponentColorModel ccm && componentConvertible(ccm)) {
            if (convertComponentBytes(raster, ccm, out, w, h)) {
                return out;
            }
            convertComponentGeneric(raster, ccm, out, w, h);
            return out;
        }
        if (cm instanceof DirectColorModel dcm && convertDirectInts(raster, dcm, out, w, h)) {
            return out;
        }
        if (cm instanceof IndexColorModel icm) {
            convertIndexed(raster, icm, out, w, h);
            return out;
        }
        // Exotic layouts: let Java2D do the colour conversion.
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[o++] = (byte) (p >>> 16);
                out[o++] = (byte) (p >>> 8);
                out[o++] = (byte) p;
            }
        }
        return out;
    }

    private static boolean componentConvertible(ComponentColorModel ccm) {
        ColorSpace cs = ccm.getColorSpace();
        int n = ccm.getNumColorComponents();
        boolean rgb = n == 3 && cs.isCS_sRGB();
        boolean gray = n == 1 && cs.getType() == ColorSpace.TYPE_GRAY;
        if (!rgb && !gray) {
            return false;
        }
        int tt = ccm.getTransferType();
        if (tt != DataBuffer.TYPE_BYTE && tt != DataBuffer.TYPE_USHORT) {
            return false;
        }
        for (int c = 0; c < n; c++) {
            if (ccm.getComponentSize(c) < 1 || ccm.getComponentSize(c) > 16) {
                return false;
            }
        }
        return true;
    }

    /** 8-bit components in a byte buffer (TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, TYPE_BYTE_GRAY, custom RGB/RGBA). */
    private static boolean convertComponentBytes(Raster raster, ComponentColorModel ccm, byte[] out, int w, int h) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (!(sm instanceof ComponentSampleModel csm) || !(db instanceof DataBufferByte dbb)) {
            return false;
        }
        int n = ccm.getNumColorComponents();
        for (int c = 0; c < n; c++) {
            if (ccm.getComponentSize(c) != 8) {
                return false;
            }
        }
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        int pixelStride = csm.getPixelStride();
        int scan = csm.getScanlineStride();
        int[] bandOffsets = csm.getBandOffsets();
        int[] bankIndices = csm.getBankIndices();
        int[] bankOffsets = db.getOffsets();
        byte[][] banks = dbb.getBankData();
        int o = 0;
        if (n == 1) {
            byte[] g = banks[bankIndices[0]];
            int base = bankOffsets[bankIndices[0]] + bandOffsets[0];
            for (int y = 0; y < h; y++) {
                int i = base + (minY + y - ty) * scan + (minX - tx) * pixelStride;
                for (int x = 0; x < w; x++, i += pixelStride) {
                    byte v = g[i];
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                }
            }
            return true;
        }
        byte[] rb = banks[bankIndices[0]];
        byte[] gb = banks[bankIndices[1]];
        byte[] bb = banks[bankIndices[2]];
        int rBase = bankOffsets[bankIndices[0]] + bandOffsets[0];
        int gBase = bankOffsets[bankIndices[1]] + bandOffsets[1];
        int bBase = bankOffsets[bankIndices[2]] + bandOffsets[2];
        for (int y = 0; y < h; y++) {
            int rowOff = (minY + y - ty) * scan + (minX - tx) * pixelStride;
            int ri = rBase + rowOff;
            int gi = gBase + rowOff;
            int bi = bBase + rowOff;
            for (int x = 0; x < w; x++, ri += pixelStride, gi += pixelStride, bi += pixelStride) {
                out[o++] = rb[ri];
                out[o++] = gb[gi];
                out[o++] = bb[bi];
            }
        }
        return true;
    }

    /** Any bit depth up to 16 (16-bit PNG, 1..4-bit grayscale): samples scaled to 0..255 with rounding. */
    private static void convertComponentGeneric(Raster raster, ComponentColorModel ccm, byte[] out, int w, int h) {
        int n = ccm.getNumColorComponents();
        int[] max = new int[n];
        for (int c = 0; c < n; c++) {
            max[c] = (1 << ccm.getComponentSize(c)) - 1;
        }
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        int[][] rows = new int[n][w];
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < n; c++) {
                raster.getSamples(minX, minY + y, w, 1, c, rows[c]);
            }
            int o = y * w * 3;
            for (int x = 0; x < w; x++) {
                if (n == 1) {
                    byte v = scale(rows[0][x], max[0]);
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                } else {
                    out[o++] = scale(rows[0][x], max[0]);
                    out[o++] = scale(rows[1][x], max[1]);
                    out[o++] = scale(rows[2][x], max[2]);
                }
            }
        }
    }

    private static byte scale(int v, int max) {
        if (max == 255) {
            return (byte) v;
        }
        return (byte) ((v * 255L + max / 2) / max);
    }

    /** Packed 8-bit channels in an int buffer (TYPE_INT_RGB, TYPE_INT_ARGB, TYPE_INT_BGR). */
    private static boolean convertDirectInts(Raster raster, DirectColorModel dcm, byte[] out, int w, int h) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (!(sm instanceof SinglePixelPackedSampleModel sppsm) || !(db instanceof DataBufferInt dbi)
                || !dcm.getColorSpace().isCS_sRGB()) {
            return false;
        }
        int rMask = dcm.getRedMask();
        int gMask = dcm.getGreenMask();
        int bMask = dcm.getBlueMask();
        if (Integer.bitCount(rMask) != 8 || Integer.bitCount(gMask) != 8 || Integer.bitCount(bMask) != 8) {
            return false;
        }
        int rShift = Integer.numberOfTrailingZeros(rMask);
        int gShift = Integer.numberOfTrailingZeros(gMask);
        int bShift = Integer.numberOfTrailingZeros(bMask);
        int[] data = dbi.getData();
        int scan = sppsm.getScanlineStride();
        int base = dbi.getOffset();
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        int o = 0;
        for (int y = 0; y < h; y++) {
            int i = base + (minY + y - ty) * scan + (minX - tx);
            for (int x = 0; x < w; x++) {
                int p = data[i++];
                out[o++] = (byte) (p >>> rShift);
                out[o++] = (byte) (p >>> gShift);
                out[o++] = (byte) (p >>> bShift);
            }
        }
        return true;
    }

    /** Palette images (PNG palette / low bit depth, GIF, 8-bit BMP): palette lookup, palette alpha dropped. */
    private static void convertIndexed(Raster raster, IndexColorModel icm, byte[] out, int w, int h) {
        int size = icm.getMapSize();
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        byte[] pr = new byte[size];
        byte[] pg = new byte[size];
        byte[] pb = new byte[size];
        icm.getReds(pr);
        icm.getGreens(pg);
        icm.getBlues(pb);
        System.arraycopy(pr, 0, r, 0, Math.min(size, 256));
        System.arraycopy(pg, 0, g, 0, Math.min(size, 256));
        System.arraycopy(pb, 0, b, 0, Math.min(size, 256));
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(minX, minY + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int idx = row[x] & 0xff; // indices beyond the palette read as black
                out[o++] = r[idx];
                out[o++] = g[idx];
                out[o++] = b[idx];
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // EXIF orientation

    /** EXIF orientation of a JPEG (1..8), or 1 if absent, out of range or unreadable. */
    static int readJpegOrientation(byte[] jpeg) {
        try {
            Iterable<JpegSegmentMetadataReader> readers = List.of(new ExifReader());
            Metadata md = JpegMetadataReader.readMetadata(new ByteArrayInputStream(jpeg), readers);
            ExifIFD0Directory dir = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (dir == null || !dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return 1;
            }
            Integer o = dir.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
            return o != null && o >= 1 && o <= 8 ? o : 1;
        } catch (Exception | StackOverflowError e) {
            return 1; // metadata problems never fail the decode
        }
    }

    /**
     * Returns the image as displayed for an EXIF orientation: 2 mirror, 3 rotate 180, 4 flip, 5 transpose,
     * 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise; 1 or unknown values return {@code img}.
     */
    static RgbImage applyOrientation(RgbImage img, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return img;
        }
        int sw = img.width();
        int sh = img.height();
        boolean swap = orientation >= 5;
        int dw = swap ? sh : sw;
        int dh = swap ? sw : sh;
        byte[] src = img.rgb();
        byte[] dst = new byte[src.length];
        int o = 0;
        for (int oy = 0; oy < dh; oy++) {
            for (int ox = 0; ox < dw; ox++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = sw - 1 - ox; sy = oy; }
                    case 3 -> { sx = sw - 1 - ox; sy = sh - 1 - oy; }
                    case 4 -> { sx = ox; sy = sh - 1 - oy; }
                    case 5 -> { sx = oy; sy = ox; }
                    case 6 -> { sx = oy; sy = sh - 1 - ox; }
                    case 7 -> { sx = sw - 1 - oy; sy = sh - 1 - ox; }
                    default -> { sx = sw - 1 - oy; sy = ox; } // 8
                }
                int s = (sy * sw + sx) * 3;
                dst[o++] = src[s];
                dst[o++] = src[s + 1];
                dst[o++] = src[s + 2];
            }
        }
        return new RgbImage(dw, dh, dst);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        String msg = null;
        // Prefer the innermost message (e.g. "Unexpected end of ZLIB input stream" under "Error reading PNG ...").
        String outer = e.getMessage();
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                msg = t.getMessage();
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        } else if (outer != null && !outer.equals(msg) && !outer.isBlank()) {
            msg = outer + ": " + msg;
        }
        return oneLine(msg);
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > MAX_REASON_CHARS ? one.substring(0, MAX_REASON_CHARS) + "..." : one;
    }

    /** An ImageInputStream over a byte array, without the copying and caching of the JDK's stream wrappers. */
    private static final class ByteArrayImageInputStream extends ImageInputStreamImpl {
        private final byte[] data;

        ByteArrayImageInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() throws IOException {
            checkClosed();
            bitOffset = 0;
            if (streamPos >= data.length) {
                return -1;
            }
            return data[(int) streamPos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkClosed();
            if (off < 0 || len < 0 || off + len > b.length) {
                throw new IndexOutOfBoundsException("off=" + off + " len=" + len);
            }
            bitOffset = 0;
            if (len == 0) {
                return 0;
            }
            if (streamPos >= data.length) {
                return -1;
            }
            int n = (int) Math.min(len, data.length - streamPos);
            System.arraycopy(data, (int) streamPos, b, off, n);
            streamPos += n;
            return n;
        }

        @Override
        public long length() {
            return data.length;
        }
    }
}
