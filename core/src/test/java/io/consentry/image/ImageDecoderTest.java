package io.consentry.image;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {

    private static final ImageLimits LIMITS = ImageLimits.DEFAULT;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------------------------------------
    // Formats

    @Test
    void rgbJpegRoundtrip() throws Exception {
        BufferedImage src = gradient(160, 96);
        Path f = write(src, "jpeg", "grad.jpg");
        RgbImage img = ImageDecoder.decode(f, LIMITS);
        assertEquals(160, img.width());
        assertEquals(96, img.height());
        assertClose(src, img, 6.0, 40);
    }

    @Test
    void pngExactPixels() throws Exception {
        BufferedImage src = noise(37, 23, 1, BufferedImage.TYPE_INT_RGB);
        Path f = write(src, "png", "noise.png");
        RgbImage img = ImageDecoder.decode(f, LIMITS);
        assertExact(src, img);
    }

    @Test
    void grayscalePngKeepsStoredValues() throws Exception {
        BufferedImage src = new BufferedImage(50, 20, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = src.getRaster();
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 50; x++) {
                r.setSample(x, y, 0, (x * 5 + y) & 0xff);
            }
        }
        RgbImage img = ImageDecoder.decode(write(src, "png", "gray.png"), LIMITS);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 50; x++) {
                int v = (x * 5 + y) & 0xff;
                for (int c = 0; c < 3; c++) {
                    assertEquals(v, img.get(x, y, c), "gray at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void sixteenBitPngs() throws Exception {
        // 16-bit grayscale
        BufferedImage gray = new BufferedImage(30, 10, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 30; x++) {
                gray.getRaster().setSample(x, y, 0, ((x * 8 + y) & 0xff) * 257);
            }
        }
        RgbImage g = ImageDecoder.decode(write(gray, "png", "gray16.png"), LIMITS);
        assertEquals(30, g.width());
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 30; x++) {
                assertEquals((x * 8 + y) & 0xff, g.get(x, y, 1));
            }
        }
        // 16-bit RGB
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster wr = cm.createCompatibleWritableRaster(20, 12);
        Random rnd = new Random(5);
        int[][][] expected = new int[12][20][3];
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = rnd.nextInt(256);
                    expected[y][x][c] = v;
                    wr.setSample(x, y, c, v * 257);
                }
            }
        }
        BufferedImage rgb16 = new BufferedImage(cm, wr, false, null);
        RgbImage img = ImageDecoder.decode(write(rgb16, "png", "rgb16.png"), LIMITS);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[y][x][c], img.get(x, y, c));
                }
            }
        }
    }

    @Test
    void paletteGif() throws Exception {
        BufferedImage src = paletteImage(41, 17);
        RgbImage img = ImageDecoder.decode(write(src, "gif", "pal.gif"), LIMITS);
        assertExact(src, img);
    }

    @Test
    void animatedGifGivesFirstFrame() throws Exception {
        BufferedImage first = paletteImage(24, 16);
        BufferedImage second = new BufferedImage(24, 16, BufferedImage.TYPE_BYTE_INDEXED);
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        Path f = tmp.resolve("anim.gif");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.prepareWriteSequence(null);
            w.writeToSequence(new IIOImage(first, null, null), null);
            w.writeToSequence(new IIOImage(second, null, null), null);
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        assertExact(first, ImageDecoder.decode(f, LIMITS));
    }

    @Test
    void bmp() throws Exception {
        BufferedImage src = noise(33, 21, 2, BufferedImage.TYPE_3BYTE_BGR);
        assertExact(src, ImageDecoder.decode(write(src, "bmp", "noise.bmp"), LIMITS));
    }

    @Test
    void pngWithAlphaDropsAlpha() throws Exception {
        BufferedImage src = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
        int[] argb = {0xFF102030, 0x80405060, 0x00708090, 0x01FFFFFF, 0xFFFF0000, 0x7F00FF00, 0x000000FF, 0xC0123456};
        for (int i = 0; i < argb.length; i++) {
            src.setRGB(i % 4, i / 4, argb[i]);
        }
        RgbImage img = ImageDecoder.decode(write(src, "png", "alpha.png"), LIMITS);
        assertEquals(4, img.width());
        assertEquals(2, img.height());
        for (int i = 0; i < argb.length; i++) {
            int x = i % 4;
            int y = i / 4;
            assertEquals((argb[i] >> 16) & 0xff, img.get(x, y, 0));
            assertEquals((argb[i] >> 8) & 0xff, img.get(x, y, 1));
            assertEquals(argb[i] & 0xff, img.get(x, y, 2));
        }
    }

    @Test
    void grayscaleJpeg() throws Exception {
        BufferedImage src = new BufferedImage(64, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                src.getRaster().setSample(x, y, 0, x * 4);
            }
        }
        RgbImage img = ImageDecoder.decode(write(src, "jpeg", "gray.jpg"), LIMITS);
        assertEquals(64, img.width());
        for (int x = 2; x < 62; x += 10) {
            int v = img.get(x, 16, 0);
            assertTrue(Math.abs(v - x * 4) <= 6, "gray jpeg value " + v + " vs " + x * 4);
            assertEquals(v, img.get(x, 16, 1));
            assertEquals(v, img.get(x, 16, 2));
        }
    }

    @Test
    void cmykJpeg() throws Exception {
        ColorSpace cmyk = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(
                com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
        ComponentColorModel cm = new ComponentColorModel(cmyk, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster wr = cm.createCompatibleWritableRaster(64, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                boolean left = x < 32;
                wr.setSample(x, y, 0, left ? 255 : 0);   // C
                wr.setSample(x, y, 1, left ? 0 : 255);   // M
                wr.setSample(x, y, 2, 0);                // Y
                wr.setSample(x, y, 3, 0);                // K
            }
        }
        BufferedImage src = new BufferedImage(cm, wr, false, null);
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bos)) {
            w.setOutput(out);
            w.write(src);
        } catch (IOException | RuntimeException e) {
            Assumptions.abort("cannot produce a CMYK JPEG with " + w.getClass().getName() + ": " + e);
        } finally {
            w.dispose();
        }
        byte[] jpeg = bos.toByteArray();
        assertEquals(4, jpegComponentCount(jpeg), "the test file must really be a 4-component JPEG");
        RgbImage img = ImageDecoder.decode(jpeg, "cmyk.jpg", LIMITS);
        assertEquals(64, img.width());
        assertEquals(32, img.height());
        // Left half cyan (little red, much green and blue), right half magenta (much red and blue, little green).
        assertTrue(img.get(10, 16, 0) < 100 && img.get(10, 16, 1) > 120 && img.get(10, 16, 2) > 150, "cyan");
        assertTrue(img.get(50, 16, 0) > 150 && img.get(50, 16, 1) < 100 && img.get(50, 16, 2) > 60, "magenta");
    }

    @Test
    void webpLossless() throws Exception {
        int w = 7;
        int h = 5;
        int[][] colours = {{200, 30, 60}, {20, 220, 160}};
        boolean[][] pick = new boolean[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pick[y][x] = (x * 3 + y * 5) % 4 == 1;
            }
        }
        byte[] webp = TinyWebP.twoColourLossless(w, h, colours[0], colours[1], pick);
        Path f = tmp.resolve("tiny.webp");
        Files.write(f, webp);
        RgbImage img = ImageDecoder.decode(f, LIMITS);
        assertEquals(w, img.width());
        assertEquals(h, img.height());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = colours[pick[y][x] ? 1 : 0];
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(c[ch], img.get(x, y, ch), "webp pixel " + x + "," + y + " channel " + ch);
                }
            }
        }
        BadImageException e = assertThrows(BadImageException.class,
                () -> ImageDecoder.decode(Arrays.copyOf(webp, webp.length - 3), "cut.webp", LIMITS));
        assertTrue(e.getMessage().startsWith("cut.webp: truncated WebP"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------------------
    // EXIF orientation

    /** Quadrants stored as R G / B W; expected displayed layout as TL TR BL BR for each EXIF orientation. */
    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({"1,RGBW", "2,GRWB", "3,WBGR", "4,BWRG", "5,RBGW", "6,BRWG", "7,WGBR", "8,GWRB"})
    void exifOrientation(int orientation, String layout) throws Exception {
        int sw = 64;
        int sh = 32;
        BufferedImage src = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                char q = "RGBW".charAt((y < sh / 2 ? 0 : 2) + (x < sw / 2 ? 0 : 1));
                src.setRGB(x, y, colour(q));
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(src, "jpeg", bos);
        byte[] jpeg = withExifOrientation(bos.toByteArray(), orientation);
        assertEquals(orientation, ImageDecoder.readJpegOrientation(jpeg));
        Path f = tmp.resolve("orient" + orientation + ".jpg");
        Files.write(f, jpeg);
        RgbImage img = ImageDecoder.decode(f, LIMITS);
        boolean swapped = orientation >= 5;
        assertEquals(swapped ? sh : sw, img.width());
        assertEquals(swapped ? sw : sh, img.height());
        int qw = img.width() / 2;
        int qh = img.height() / 2;
        int[][] centres = {{qw / 2, qh / 2}, {qw + qw / 2, qh / 2}, {qw / 2, qh + qh / 2}, {qw + qw / 2, qh + qh / 2}};
        for (int i = 0; i < 4; i++) {
            int expected = colour(layout.charAt(i));
            int x = centres[i][0];
            int y = centres[i][1];
            for (int c = 0; c < 3; c++) {
                int e = (expected >> (16 - 8 * c)) & 0xff;
                assertTrue(Math.abs(e - img.get(x, y, c)) < 40,
                        "orientation " + orientation + " quadrant " + i + " channel " + c + ": " + img.get(x, y, c) + " vs " + e);
            }
        }
        // The very corner pixel too (orientation 6: stored top-left red lands at the top-right).
        if (orientation == 6) {
            assertTrue(img.get(img.width() - 1, 0, 0) > 200 && img.get(img.width() - 1, 0, 1) < 60);
        }
    }

    @Test
    void brokenExifIsIgnored() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(gradient(32, 16), "jpeg", bos);
        byte[] jpeg = bos.toByteArray();
        // An APP1 "Exif" segment whose TIFF header is garbage.
        byte[] junk = "Exif\0\0XXXXXXXXXXXXXXXXXXXX".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bad = insertSegment(jpeg, 0xE1, junk);
        assertEquals(1, ImageDecoder.readJpegOrientation(bad));
        RgbImage img = ImageDecoder.decode(bad, "badexif.jpg", LIMITS);
        assertEquals(32, img.width());
        assertEquals(16, img.height());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Refusals

    @Test
    void emptyFile() throws Exception {
        Path f = tmp.resolve("empty.jpg");
        Files.write(f, new byte[0]);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, LIMITS));
        assertTrue(e.getMessage().contains("empty.jpg") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = tmp.resolve("nope.png");
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, LIMITS));
        assertTrue(e.getMessage().contains("nope.png") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void randomBytes() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        junk[0] = 0x13;
        Path f = tmp.resolve("junk.jpg");
        Files.write(f, junk);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, LIMITS));
        assertEquals(f + ": not a supported image (JPEG, PNG, BMP, GIF, WebP)", e.getMessage());
        BadImageException text = assertThrows(BadImageException.class,
                () -> ImageDecoder.decode("hello".getBytes(StandardCharsets.UTF_8), "note.txt", LIMITS));
        assertEquals("note.txt: not a supported image (JPEG, PNG, BMP, GIF, WebP)", text.getMessage());
    }

    @Test
    void corruptAfterValidMagic() {
        // Right magic numbers, garbage afterwards: must be a BadImageException, never another exception.
        Random rnd = new Random(7);
        byte[][] heads = {
                {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                {'G', 'I', 'F', '8', '9', 'a'},
                {'B', 'M'},
                {'R', 'I', 'F', 'F', 100, 0, 0, 0, 'W', 'E', 'B', 'P'},
        };
        for (byte[] head : heads) {
            for (int trial = 0; trial < 20; trial++) {
                byte[] data = new byte[head.length + 100];
                rnd.nextBytes(data);
                System.arraycopy(head, 0, data, 0, head.length);
                data[data.length - 2] = (byte) 0xFF; // let some JPEG variants reach the decoder
                data[data.length - 1] = (byte) 0xD9;
                BadImageException e = assertThrows(BadImageException.class,
                        () -> ImageDecoder.decode(data, "corrupt.bin", LIMITS));
                assertTrue(e.getMessage().startsWith("corrupt.bin: "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedJpeg() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(noise(300, 200, 3, BufferedImage.TYPE_INT_RGB), "jpeg", bos);
        byte[] full = bos.toByteArray();
        assertTrue(ImageDecoder.jpegReachesEoi(full));
        byte[] cut = Arrays.copyOf(full, full.length * 6 / 10);
        Path f = tmp.resolve("cut.jpg");
        Files.write(f, cut);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, LIMITS));
        assertTrue(e.getMessage().startsWith(f + ": truncated JPEG"), e.getMessage());
        // Cut a few bytes before the end too (the EOI marker itself missing).
        assertThrows(BadImageException.class,
                () -> ImageDecoder.decode(Arrays.copyOf(full, full.length - 2), "short.jpg", LIMITS));

        // An EXIF-style thumbnail (a complete JPEG, with its own FFD9) inside APP1 must not hide the truncation.
        ByteArrayOutputStream thumb = new ByteArrayOutputStream();
        ImageIO.write(gradient(16, 16), "jpeg", thumb);
        byte[] payload = new byte[6 + thumb.size()];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, payload, 0, 6);
        System.arraycopy(thumb.toByteArray(), 0, payload, 6, thumb.size());
        byte[] withThumb = withExifOrientation(full, 1);
        withThumb = insertSegment(withThumb, 0xE1, payload);
        assertTrue(ImageDecoder.jpegReachesEoi(withThumb));
        assertEquals(300, ImageDecoder.decode(withThumb, "thumb.jpg", LIMITS).width());
        byte[] cutThumb = Arrays.copyOf(withThumb, withThumb.length - full.length * 4 / 10);
        assertFalse(ImageDecoder.jpegReachesEoi(cutThumb));
        BadImageException e2 = assertThrows(BadImageException.class,
                () -> ImageDecoder.decode(cutThumb, "cut-thumb.jpg", LIMITS));
        assertTrue(e2.getMessage().startsWith("cut-thumb.jpg: truncated JPEG"), e2.getMessage());
    }

    @Test
    void onlyTruncationWarningsCount() {
        java.util.List<String> sink = new java.util.ArrayList<>();
        javax.imageio.event.IIOReadWarningListener l = ImageDecoder.truncationWarningCollector(sink);
        l.warningOccurred(null, "Corrupt JPEG data: 3 extraneous bytes before marker 0xd9");
        l.warningOccurred(null, "Unknown APP segment");
        assertTrue(sink.isEmpty());
        l.warningOccurred(null, "Truncated File - Missing EOI marker");
        l.warningOccurred(null, "Premature end of JPEG file");
        assertEquals(2, sink.size());
    }

    @Test
    void jpegWithTrailingBytesAfterEoiIsAccepted() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(gradient(48, 32), "jpeg", bos);
        byte[] full = bos.toByteArray();
        byte[] padded = Arrays.copyOf(full, full.length + 100); // zero padding
        assertEquals(48, ImageDecoder.decode(padded, "padded.jpg", LIMITS).width());
        byte[] trailer = Arrays.copyOf(full, full.length + 64);
        for (int i = full.length; i < trailer.length; i++) {
            trailer[i] = (byte) (i * 31);
        }
        assertEquals(32, ImageDecoder.decode(trailer, "trailer.jpg", LIMITS).height());
    }

    @Test
    void truncatedPngGifBmp() throws Exception {
        BufferedImage src = noise(120, 80, 4, BufferedImage.TYPE_INT_RGB);
        for (String fmt : new String[]{"png", "bmp", "gif"}) {
            BufferedImage s = fmt.equals("gif") ? paletteImage(120, 80) : src;
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(s, fmt, bos));
            byte[] full = bos.toByteArray();
            byte[] cut = Arrays.copyOf(full, full.length * 6 / 10);
            BadImageException e = assertThrows(BadImageException.class,
                    () -> ImageDecoder.decode(cut, "cut." + fmt, LIMITS), fmt);
            assertTrue(e.getMessage().startsWith("cut." + fmt + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void hugePngHeaderRefusedQuickly() throws Exception {
        Path f = tmp.resolve("bomb.png");
        Files.write(f, pngWithHeader(30000, 30000));
        BadImageException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, LIMITS)));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("30000x30000") && e.getMessage().contains("pixel limit"), e.getMessage());
    }

    @Test
    void fileLargerThanLimitRefusedBeforeReading() throws Exception {
        Path f = write(noise(40, 40, 6, BufferedImage.TYPE_INT_RGB), "png", "big.png");
        long size = Files.size(f);
        ImageLimits small = new ImageLimits(size - 1, LIMITS.maxPixels());
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(f, small));
        assertTrue(e.getMessage().contains("big.png") && e.getMessage().contains("file size limit"), e.getMessage());
        assertThrows(BadImageException.class, () -> ImageDecoder.decode(Files.readAllBytes(f), "big.png", small));
        // exactly at the limit is fine
        assertEquals(40, ImageDecoder.decode(f, new ImageLimits(size, LIMITS.maxPixels())).width());
    }

    @Test
    void pixelLimitAppliesToRealImages() throws Exception {
        Path f = write(gradient(100, 50), "png", "grad.png");
        BadImageException e = assertThrows(BadImageException.class,
                () -> ImageDecoder.decode(f, new ImageLimits(1 << 20, 4999)));
        assertTrue(e.getMessage().contains("100x50 (5000 pixels), above the pixel limit of 4999"), e.getMessage());
        assertEquals(100, ImageDecoder.decode(f, new ImageLimits(1 << 20, 5000)).width());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Output helpers and the reference photo

    @Test
    void toBufferedImageAndWritePngRoundtrip() throws Exception {
        BufferedImage src = noise(19, 11, 8, BufferedImage.TYPE_INT_RGB);
        RgbImage img = ImageDecoder.decode(write(src, "png", "in.png"), LIMITS);
        BufferedImage bi = ImageDecoder.toBufferedImage(img);
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, bi.getType());
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 19; x++) {
                assertEquals(src.getRGB(x, y), bi.getRGB(x, y));
            }
        }
        Path out = tmp.resolve("out.png");
        ImageDecoder.writePng(img, out);
        RgbImage back = ImageDecoder.decode(out, LIMITS);
        assertEquals(img.width(), back.width());
        assertArrayEquals(img.rgb(), back.rgb());
    }

    @Test
    void referencePhotoMatchesReferenceDecoder() throws Exception {
        Path shared = Paths.get(System.getProperty("consentry.shared", "../../shared"));
        Path jpg = shared.resolve("reference/faceapi/images/sample1.jpg");
        Path ref = shared.resolve("reference/faceapi/rgb/sample1.rgb.png");
        Assumptions.assumeTrue(Files.isRegularFile(jpg) && Files.isRegularFile(ref),
                "shared reference data not found under " + shared.toAbsolutePath());
        long t0 = System.nanoTime();
        RgbImage img = ImageDecoder.decode(jpg, LIMITS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1920, img.width());
        assertEquals(1280, img.height());
        RgbImage expected = ImageDecoder.decode(ref, LIMITS);
        assertEquals(1920, expected.width());
        assertEquals(1280, expected.height());
        long[] sum = new long[3];
        byte[] a = img.rgb();
        byte[] b = expected.rgb();
        for (int i = 0; i < a.length; i++) {
            sum[i % 3] += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        long pixels = (long) img.width() * img.height();
        for (int c = 0; c < 3; c++) {
            double mad = (double) sum[c] / pixels;
            assertTrue(mad < 3.0, "mean absolute difference channel " + c + " = " + mad);
        }
        System.out.printf("sample1.jpg decoded in %d ms (first call, includes class loading)%n", ms);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Fixtures

    private Path write(BufferedImage img, String format, String name) throws IOException {
        Path f = tmp.resolve(name);
        assertTrue(ImageIO.write(img, format, f.toFile()), "no ImageIO writer for " + format + " / " + img);
        return f;
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = x * 255 / (w - 1);
                int g = y * 255 / (h - 1);
                int b = 128 + (x - y) / 4;
                img.setRGB(x, y, r << 16 | g << 8 | Math.max(0, Math.min(255, b)));
            }
        }
        return img;
    }

    private static BufferedImage noise(int w, int h, long seed, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Random rnd = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static BufferedImage paletteImage(int w, int h) {
        byte[] r = {0, (byte) 255, 0, 0, (byte) 200, 17};
        byte[] g = {0, 0, (byte) 255, 0, (byte) 100, 34};
        byte[] b = {0, 0, 0, (byte) 255, 50, 51};
        IndexColorModel icm = new IndexColorModel(8, r.length, r, g, b);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, icm);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x / 3 + y) % r.length);
            }
        }
        return img;
    }

    private static int colour(char q) {
        return switch (q) {
            case 'R' -> 0xFF0000;
            case 'G' -> 0x00FF00;
            case 'B' -> 0x0000FF;
            default -> 0xFFFFFF;
        };
    }

    private static void assertExact(BufferedImage src, RgbImage img) {
        assertEquals(src.getWidth(), img.width());
        assertEquals(src.getHeight(), img.height());
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                assertEquals((p >> 16) & 0xff, img.get(x, y, 0), "R at " + x + "," + y);
                assertEquals((p >> 8) & 0xff, img.get(x, y, 1), "G at " + x + "," + y);
                assertEquals(p & 0xff, img.get(x, y, 2), "B at " + x + "," + y);
            }
        }
    }

    private static void assertClose(BufferedImage src, RgbImage img, double maxMean, int maxAbs) {
        long sum = 0;
        int worst = 0;
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int d = Math.abs(((p >> (16 - 8 * c)) & 0xff) - img.get(x, y, c));
                    sum += d;
                    worst = Math.max(worst, d);
                }
            }
        }
        double mean = (double) sum / (src.getWidth() * src.getHeight() * 3);
        assertTrue(mean < maxMean, "mean abs difference " + mean);
        assertTrue(worst <= maxAbs, "max abs difference " + worst);
    }

    /** Inserts an APP1 Exif segment holding only IFD0 with the orientation tag (big-endian TIFF). */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(6 + 8 + 2 + 12 + 4);
        tiff.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        tiff.put(new byte[]{'M', 'M', 0, 42});   // byte order, magic
        tiff.putInt(8);                            // offset of IFD0 from the TIFF header
        tiff.putShort((short) 1);                  // one entry
        tiff.putShort((short) 0x0112);             // Orientation
        tiff.putShort((short) 3);                  // SHORT
        tiff.putInt(1);                            // count
        tiff.putShort((short) orientation);        // value, left-justified in the 4-byte field
        tiff.putShort((short) 0);
        tiff.putInt(0);                            // no next IFD
        return insertSegment(jpeg, 0xE1, tiff.array());
    }

    /** Inserts a marker segment after SOI and a leading JFIF APP0 segment, if any. */
    static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        int pos = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            pos = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, pos);
        out.write(0xFF);
        out.write(marker);
        int len = payload.length + 2;
        out.write(len >> 8);
        out.write(len & 0xff);
        out.write(payload, 0, payload.length);
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

    /** Number of components declared in the first SOFn segment. */
    private static int jpegComponentCount(byte[] jpeg) {
        int i = 2;
        while (i + 4 < jpeg.length) {
            int marker = jpeg[i + 1] & 0xff;
            int len = (jpeg[i + 2] & 0xff) << 8 | (jpeg[i + 3] & 0xff);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return jpeg[i + 9] & 0xff;
            }
            i += 2 + len;
        }
        return -1;
    }

    /** A PNG whose IHDR declares {@code w x h} 8-bit RGB, followed by a tiny IDAT and IEND. */
    private static byte[] pngWithHeader(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[64]);
        d.finish();
        byte[] buf = new byte[128];
        int n = d.deflate(buf);
        d.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * Writes a minimal lossless WebP (VP8L): no transforms, no colour cache, and "simple" prefix codes with two
     * symbols per colour channel, so each pixel costs three bits (green, red, blue; alpha is a one-symbol code).
     */
    static final class TinyWebP {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int acc;
        private int nbits;

        private void put(int value, int n) {
            for (int i = 0; i < n; i++) {
                acc |= ((value >> i) & 1) << nbits;
                if (++nbits == 8) {
                    bytes.write(acc);
                    acc = 0;
                    nbits = 0;
                }
            }
        }

        private void simpleCode(int... symbols) {
            put(1, 1);                       // simple code
            put(symbols.length - 1, 1);      // number of symbols - 1
            put(1, 1);                       // first symbol uses 8 bits
            put(symbols[0], 8);
            if (symbols.length == 2) {
                put(symbols[1], 8);
            }
        }

        static byte[] twoColourLossless(int w, int h, int[] c0, int[] c1, boolean[][] useC1) {
            for (int ch = 0; ch < 3; ch++) {
                if (c0[ch] == c1[ch]) {
                    throw new IllegalArgumentException("colours must differ in every channel");
                }
            }
            TinyWebP bw = new TinyWebP();
            bw.put(0x2f, 8);       // VP8L signature
            bw.put(w - 1, 14);
            bw.put(h - 1, 14);
            bw.put(0, 1);          // alpha not used
            bw.put(0, 3);          // version
            bw.put(0, 1);          // no transform
            bw.put(0, 1);          // no colour cache
            bw.put(0, 1);          // no meta prefix codes
            // green, red, blue, alpha, distance; with two 1-bit codes the smaller symbol has code 0
            bw.simpleCode(Math.min(c0[1], c1[1]), Math.max(c0[1], c1[1]));
            bw.simpleCode(Math.min(c0[0], c1[0]), Math.max(c0[0], c1[0]));
            bw.simpleCode(Math.min(c0[2], c1[2]), Math.max(c0[2], c1[2]));
            bw.simpleCode(255);
            bw.simpleCode(0);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] c = useC1[y][x] ? c1 : c0;
                    int[] other = useC1[y][x] ? c0 : c1;
                    bw.put(c[1] > other[1] ? 1 : 0, 1);
                    bw.put(c[0] > other[0] ? 1 : 0, 1);
                    bw.put(c[2] > other[2] ? 1 : 0, 1);
                }
            }
            if (bw.nbits > 0) {
                bw.bytes.write(bw.acc);
            }
            byte[] vp8l = bw.bytes.toByteArray();
            int pad = vp8l.length & 1;
            ByteBuffer out = ByteBuffer.allocate(20 + vp8l.length + pad).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            out.put("RIFF".getBytes(StandardCharsets.US_ASCII));
            out.putInt(4 + 8 + vp8l.length + pad);
            out.put("WEBP".getBytes(StandardCharsets.US_ASCII));
            out.put("VP8L".getBytes(StandardCharsets.US_ASCII));
            out.putInt(vp8l.length);
            out.put(vp8l);
            return out.array();
        }
    }
}
