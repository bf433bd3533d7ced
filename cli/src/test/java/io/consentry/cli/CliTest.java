package io.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.image.ImageDecoder;
import io.consentry.image.ImageLimits;
import io.consentry.image.RgbImage;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code consentry} command line run in-process through {@link ConsentryCli#run}: happy paths of detect, embed
 * and compare on the face-api.js demo photos, the YuNet detector override, and every kind of bad input, with exit
 * codes and one-line error messages (never a stack trace). Every command that opens an engine gets
 * {@code --pack} (the test pack), so nothing under {@code ~/.consentry} is touched.
 */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path pack;
    private static Path sample1;
    private static Path sample2;

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        pack = TestPacks.faceApi().dir();
        sample1 = TestPacks.reference().resolve("images/sample1.jpg");
        sample2 = TestPacks.reference().resolve("images/sample2.jpg");
        assertTrue(Files.isRegularFile(sample1), "demo image missing: " + sample1);
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = ConsentryCli.run(args, o, e);
        }
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code command images... --pack PACK extra...} */
    static Result withPack(String command, List<?> positional, String... extra) {
        List<String> a = new ArrayList<>();
        a.add(command);
        positional.forEach(p -> a.add(p.toString()));
        a.add("--pack");
        a.add(pack.toString());
        a.addAll(List.of(extra));
        return cli(a.toArray(String[]::new));
    }

    static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat "), () -> "stack trace in stderr:\n" + r);
        assertFalse(r.err().contains("Exception in thread"), () -> "stack trace in stderr:\n" + r);
        assertFalse(r.out().contains("\tat "), () -> "stack trace in stdout:\n" + r);
    }

    /** Exit code as expected, exactly one non-blank stderr line, starting "consentry: ", no stack trace. */
    static String assertOneLineError(Result r, int expectedCode) {
        assertEquals(expectedCode, r.code(), r::toString);
        assertNoStackTrace(r);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), () -> "expected a one-line error message:\n" + r);
        assertTrue(lines.get(0).startsWith("consentry: "), r::toString);
        return lines.get(0);
    }

    static JsonNode detectJson(Path image) throws IOException {
        Result r = withPack("detect", List.of(image), "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode root = JSON.readTree(r.out());
        JsonNode entry = root.get(image.toString());
        assertNotNull(entry, r::toString);
        return entry.get("faces");
    }

    static RgbImage decode(Path p) throws Exception {
        return ImageDecoder.decode(p, ImageLimits.DEFAULT);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. detect

    @Test
    void detectJsonHasThreeFacesWithLandmarks() throws Exception {
        Result r = withPack("detect", List.of(sample1), "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertNoStackTrace(r);
        JsonNode root = JSON.readTree(r.out());
        assertTrue(root.isObject());
        assertEquals(1, root.size());
        JsonNode entry = root.get(sample1.toString());
        assertNotNull(entry, r::toString);
        assertTrue(entry.get("error") == null || entry.get("error").isNull());
        JsonNode faces = entry.get("faces");
        assertEquals(3, faces.size(), r::toString);
        RgbImage img = decode(sample1);
        for (JsonNode f : faces) {
            JsonNode box = f.get("box");
            for (String k : List.of("x", "y", "width", "height")) {
                assertTrue(box.get(k).isNumber(), k);
            }
            assertTrue(box.get("width").asDouble() > 10 && box.get("height").asDouble() > 10);
            assertTrue(box.get("x").asDouble() >= -1 && box.get("x").asDouble() + box.get("width").asDouble() <= img.width() + 1);
            double score = f.get("score").asDouble();
            assertTrue(score >= 0.5 && score <= 1, "score " + score);
            assertPoints(f.get("landmarks5"), 5);
            assertPoints(f.get("landmarks68"), 68);
            assertFalse(f.has("descriptor"), "detect should not print descriptors");
        }
    }

    private static void assertPoints(JsonNode pts, int n) {
        assertNotNull(pts);
        assertEquals(n, pts.size());
        for (JsonNode p : pts) {
            assertEquals(2, p.size());
            assertTrue(p.get(0).isNumber() && p.get(1).isNumber());
        }
    }

    @Test
    void detectPlainTextOutput() {
        Result r = withPack("detect", List.of(sample1));
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("3 faces"), r::toString);
        assertEquals(3, r.out().lines().filter(l -> l.strip().startsWith("box ")).count(), r::toString);
    }

    @Test
    void annotateSingleImageWritesPngOfSameSize() throws Exception {
        Path outPng = tmp.resolve("OUT.png");
        Result r = withPack("detect", List.of(sample1), "--annotate", outPng.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        BufferedImage written = ImageIO.read(outPng.toFile());
        assertNotNull(written, "not a readable PNG: " + outPng);
        RgbImage in = decode(sample1);
        assertEquals(in.width(), written.getWidth());
        assertEquals(in.height(), written.getHeight());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(outPng), files.toList(), "no temp file may be left beside the output");
        }
    }

    @Test
    void annotateSeveralImagesWritesIntoFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("annotated"));
        Result r = withPack("detect", List.of(sample1, sample2), "--annotate", dir.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertEquals(2, files.size(), () -> files + "\n" + r);
        for (Path src : List.of(sample1, sample2)) {
            Path f = dir.resolve(src.getFileName() + ".annotated.png");
            assertTrue(files.contains(f), () -> files.toString());
            BufferedImage w = ImageIO.read(f.toFile());
            assertNotNull(w);
            RgbImage in = decode(src);
            assertEquals(in.width(), w.getWidth());
            assertEquals(in.height(), w.getHeight());
        }
    }

    @Test
    void annotateSeveralImagesNeedsAFolder() {
        Result r = withPack("detect", List.of(sample1, sample2), "--annotate", tmp.resolve("nope.png").toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertNoStackTrace(r);
        assertTrue(r.err().contains("--annotate"), r::toString);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. embed

    @Test
    void embedJsonHasUnitDescriptors() throws Exception {
        Result r = withPack("embed", List.of(sample1), "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertNoStackTrace(r);
        JsonNode root = JSON.readTree(r.out());
        assertEquals("faceapi-1.7.15", root.get("model").asText());
        JsonNode faces = root.get("faces");
        assertEquals(3, faces.size(), r::toString);
        for (JsonNode f : faces) {
            JsonNode d = f.get("descriptor");
            assertNotNull(d, r::toString);
            assertEquals(128, d.size());
            double sum = 0;
            for (JsonNode v : d) {
                assertTrue(v.isNumber());
                sum += v.asDouble() * v.asDouble();
            }
            assertEquals(1.0, Math.sqrt(sum), 1e-4);
            assertPoints(f.get("landmarks5"), 5);
            assertPoints(f.get("landmarks68"), 68);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. compare

    static JsonNode compareJson(Path a, Path b) throws IOException {
        Result r = withPack("compare", List.of(a, b), "--json");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertNoStackTrace(r);
        return JSON.readTree(r.out());
    }

    @Test
    void compareImageWithItself() throws Exception {
        JsonNode c = compareJson(sample1, sample1);
        assertTrue(c.get("same").asBoolean(), c::toString);
        assertEquals(1.0, c.get("similarity").asDouble(), 1e-4, c::toString);
        assertEquals(0.91, c.get("threshold").asDouble(), 1e-9);
        assertEquals(0.0, c.get("distance").asDouble(), 1e-2);
    }

    /** The face's detector box grown by 50% of its size on every side, clipped to the image. */
    static BufferedImage crop(BufferedImage img, JsonNode face) {
        JsonNode b = face.get("box");
        double x = b.get("x").asDouble();
        double y = b.get("y").asDouble();
        double w = b.get("width").asDouble();
        double h = b.get("height").asDouble();
        int x0 = (int) Math.max(0, Math.floor(x - 0.5 * w));
        int y0 = (int) Math.max(0, Math.floor(y - 0.5 * h));
        int x1 = (int) Math.min(img.getWidth(), Math.ceil(x + 1.5 * w));
        int y1 = (int) Math.min(img.getHeight(), Math.ceil(y + 1.5 * h));
        BufferedImage out = new BufferedImage(x1 - x0, y1 - y0, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img.getSubimage(x0, y0, x1 - x0, y1 - y0), 0, 0, null);
        g.dispose();
        return out;
    }

    static BufferedImage scale(BufferedImage img, double f) {
        int w = (int) Math.round(img.getWidth() * f);
        int h = (int) Math.round(img.getHeight() * f);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static Path write(BufferedImage img, String format, Path file) throws IOException {
        assertTrue(ImageIO.write(img, format, file.toFile()), "no " + format + " writer");
        return file;
    }

    /** Writes PNG crops (50% margin) of the three faces of sample1.jpg; returns them in detection order. */
    private List<Path> sample1FaceCrops() throws Exception {
        JsonNode faces = detectJson(sample1);
        assertEquals(3, faces.size());
        BufferedImage img = ImageDecoder.toBufferedImage(decode(sample1));
        List<Path> crops = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            crops.add(write(crop(img, faces.get(i)), "png", tmp.resolve("face" + i + ".png")));
        }
        return crops;
    }

    /**
     * The three women in sample1.jpg are three different people: every pair must be "different" at the pack's
     * threshold.
     */
    @Test
    void compareTwoDifferentPeople() throws Exception {
        List<Path> crops = sample1FaceCrops();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < crops.size(); i++) {
            for (int j = i + 1; j < crops.size(); j++) {
                JsonNode c = compareJson(crops.get(i), crops.get(j));
                if (c.get("same").asBoolean() || c.get("similarity").asDouble() >= c.get("threshold").asDouble()) {
                    wrong.add("face" + i + " vs face" + j + ": " + c);
                }
            }
        }
        assertEquals(List.of(), wrong, "different people judged the same person");
    }

    @Test
    void compareSameFaceJpegVsRescaledPng() throws Exception {
        JsonNode faces = detectJson(sample1);
        BufferedImage img = ImageDecoder.toBufferedImage(decode(sample1));
        for (int i = 0; i < faces.size(); i++) {
            BufferedImage face = crop(img, faces.get(i));
            Path jpg = write(face, "jpg", tmp.resolve("face" + i + ".jpg"));
            Path small = write(scale(face, 0.9), "png", tmp.resolve("face" + i + "-90.png"));
            JsonNode same = compareJson(jpg, small);
            assertTrue(same.get("same").asBoolean(), same::toString);
            assertTrue(same.get("similarity").asDouble() > 0.95, same::toString);
        }
    }

    @Test
    void comparePlainText() {
        Result r = withPack("compare", List.of(sample1, sample1));
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("same person"), r::toString);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. detector override

    @Test
    void yunetDetectorFindsTheFaces() throws Exception {
        Path yunet = TestPacks.shared().resolve("models/yunet.onnx");
        Result r = withPack("detect", List.of(sample1), "--json", "--detector", "yunet:" + yunet);
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode faces = JSON.readTree(r.out()).get(sample1.toString()).get("faces");
        assertTrue(faces.size() >= 3, r::toString);
        for (JsonNode f : faces) {
            assertPoints(f.get("landmarks5"), 5);
            assertPoints(f.get("landmarks68"), 68);
        }
    }

    @Test
    void yunetAdapterOnANonDetectorIsRefusedWithItsLayout() {
        Path landmarks = pack.resolve("face_landmark_68.onnx");
        Result r = withPack("detect", List.of(sample1), "--detector", "yunet:" + landmarks);
        assertModelLayoutError(r);
        assertTrue(r.err().contains("yunet"), r::toString);
    }

    @Test
    void bareNonDetectorPathIsRefusedWithItsLayout() {
        Path landmarks = pack.resolve("face_landmark_68.onnx");
        Result r = withPack("detect", List.of(sample1), "--detector", landmarks.toString());
        assertModelLayoutError(r);
    }

    private static void assertModelLayoutError(Result r) {
        assertEquals(ExitCodes.MODEL, r.code(), r::toString);
        assertNoStackTrace(r);
        String err = r.err();
        assertTrue(err.startsWith("consentry: "), r::toString);
        assertTrue(err.contains("face_landmark_68.onnx"), r::toString);
        assertTrue(err.contains("inputs [input:"), r::toString);
        assertTrue(err.contains("outputs [landmarks:"), r::toString);
        assertTrue(err.contains("supported layouts"), r::toString);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 5. bad input

    @Test
    void textFileIsBadInput() throws Exception {
        Path f = Files.writeString(tmp.resolve("notes.jpg"), "this is not an image\n");
        String msg = assertOneLineError(withPack("detect", List.of(f)), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("notes.jpg") && msg.contains("not a supported image"), msg);
    }

    @Test
    void emptyFileIsBadInput() throws Exception {
        Path f = Files.createFile(tmp.resolve("empty.png"));
        String msg = assertOneLineError(withPack("detect", List.of(f)), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("empty"), msg);
    }

    @Test
    void truncatedJpegIsBadInput() throws Exception {
        byte[] all = Files.readAllBytes(sample1);
        Path f = Files.write(tmp.resolve("half.jpg"), java.util.Arrays.copyOf(all, all.length / 2));
        String msg = assertOneLineError(withPack("detect", List.of(f)), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("truncated"), msg);
        assertTrue(assertOneLineError(withPack("embed", List.of(f)), ExitCodes.BAD_INPUT).contains("truncated"));
        assertTrue(assertOneLineError(withPack("compare", List.of(sample1, f)), ExitCodes.BAD_INPUT).contains("truncated"));
    }

    @Test
    void hugePngHeaderIsRefusedByThePixelLimit() throws Exception {
        Path f = Files.write(tmp.resolve("bomb.png"), pngHeaderOnly(30000, 30000));
        String msg = assertOneLineError(withPack("detect", List.of(f)), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("pixel limit"), msg);
        assertTrue(msg.contains("30000x30000"), msg);
    }

    /** PNG signature, IHDR (8-bit RGB) with a correct CRC, a tiny IDAT and IEND. */
    static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[16]);
        d.finish();
        byte[] buf = new byte[64];
        int n = d.deflate(buf);
        d.end();
        chunk(png, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
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

    @Test
    void missingFileIsBadInput() {
        Path f = tmp.resolve("does-not-exist.jpg");
        String msg = assertOneLineError(withPack("detect", List.of(f)), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("does-not-exist.jpg"), msg);
        assertOneLineError(withPack("embed", List.of(f)), ExitCodes.BAD_INPUT);
        assertOneLineError(withPack("compare", List.of(f, sample1)), ExitCodes.BAD_INPUT);
    }

    @Test
    void imageWithoutFaceExitsOne() throws Exception {
        BufferedImage grey = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grey.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 640, 480);
        g.dispose();
        Path f = write(grey, "png", tmp.resolve("grey.png"));

        assertOneLineError(withPack("detect", List.of(f)), ExitCodes.NO_FACE);
        Result json = withPack("detect", List.of(f), "--json");
        assertEquals(ExitCodes.NO_FACE, json.code(), json::toString);
        assertEquals(0, JSON.readTree(json.out()).get(f.toString()).get("faces").size());

        assertTrue(assertOneLineError(withPack("embed", List.of(f)), ExitCodes.NO_FACE).contains("no face"));
        assertTrue(assertOneLineError(withPack("compare", List.of(sample1, f)), ExitCodes.NO_FACE).contains("grey.png"));
        assertTrue(assertOneLineError(withPack("compare", List.of(f, sample1)), ExitCodes.NO_FACE).contains("grey.png"));
    }

    @Test
    void maxFileMbRefusesALargerFile() throws Exception {
        // sample1.jpg is smaller than 1 MB, so build a noise PNG that is larger
        BufferedImage noise = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(7);
        for (int y = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                noise.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        Path f = write(noise, "png", tmp.resolve("noise.png"));
        assertTrue(Files.size(f) > (1L << 20));
        String msg = assertOneLineError(withPack("detect", List.of(f), "--max-file-mb", "1"), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("file size limit"), msg);
    }

    @Test
    void maxPixelsRefusesSample1() {
        String msg = assertOneLineError(withPack("detect", List.of(sample1), "--max-pixels", "1000"), ExitCodes.BAD_INPUT);
        assertTrue(msg.contains("pixel limit"), msg);
    }

    @Test
    void corruptOnnxDetectorIsAModelError() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        Path f = Files.write(tmp.resolve("junk.onnx"), junk);
        String msg = assertOneLineError(withPack("detect", List.of(sample1), "--detector", "yunet:" + f), ExitCodes.MODEL);
        assertTrue(msg.contains("junk.onnx"), msg);
    }

    @Test
    void missingDetectorFileIsAModelError() {
        Path f = tmp.resolve("absent.onnx");
        String msg = assertOneLineError(withPack("detect", List.of(sample1), "--detector", "yunet:" + f), ExitCodes.MODEL);
        assertTrue(msg.contains("absent.onnx"), msg);
    }

    @Test
    void modifiedPackFileIsRefusedByChecksum() throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("pack-copy"));
        try (Stream<Path> files = Files.list(pack)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path rec = copy.resolve("face_recognition.onnx");
        byte[] b = Files.readAllBytes(rec);
        for (int i = b.length / 2; i < b.length / 2 + 16; i++) {
            b[i] ^= 0x5A;
        }
        Files.write(rec, b);
        Result r = cli("detect", sample1.toString(), "--pack", copy.toString());
        String msg = assertOneLineError(r, ExitCodes.MODEL);
        assertTrue(msg.contains("checksum"), msg);
        assertTrue(msg.contains("face_recognition.onnx"), msg);
        assertOneLineError(cli("models", "show", "--pack", copy.toString()), ExitCodes.MODEL);
    }

    @Test
    void missingPackDirHintsAtModelsInstall() throws IOException {
        Path none = tmp.resolve("no-pack-here");
        String msg = assertOneLineError(cli("detect", sample1.toString(), "--pack", none.toString()), ExitCodes.MODEL);
        assertTrue(msg.contains("models install"), msg);
        // an existing but empty folder given as --pack is not a pack either (and is never auto-installed into)
        Path empty = Files.createDirectories(tmp.resolve("empty-pack"));
        msg = assertOneLineError(cli("embed", sample1.toString(), "--pack", empty.toString()), ExitCodes.MODEL);
        assertTrue(msg.contains("models install"), msg);
        assertFalse(Files.exists(empty.resolve("manifest.json")));
    }

    // ------------------------------------------------------------------------------------------------------------
    // 6. models install from a tampered tarball

    @Test
    void installRefusesRandomBytesTarball() throws Exception {
        byte[] junk = new byte[1000];
        new Random(1).nextBytes(junk);
        Path tgz = Files.write(tmp.resolve("tampered.tgz"), junk);
        assertTamperedTarballRefused(tgz);
    }

    @Test
    void installRefusesGzippedTarWithJunk() throws Exception {
        // a structurally valid .tgz that holds the expected file names, but not the pinned content
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (String name : List.of("package/LICENSE", "package/model/face_recognition_model.bin")) {
            byte[] data = ("junk for " + name).getBytes(StandardCharsets.UTF_8);
            byte[] header = new byte[512];
            System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, header, 0, name.length());
            putOctal(header, 100, 8, 0644);
            putOctal(header, 108, 8, 0);
            putOctal(header, 116, 8, 0);
            putOctal(header, 124, 12, data.length);
            putOctal(header, 136, 12, 0);
            header[156] = '0';
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
            header[263] = '0';
            header[264] = '0';
            java.util.Arrays.fill(header, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte x : header) {
                sum += x & 0xff;
            }
            putOctal(header, 148, 7, sum);
            tar.write(header);
            tar.write(data);
            tar.write(new byte[(512 - data.length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(tar.toByteArray());
        }
        Path tgz = Files.write(tmp.resolve("vladmandic-face-api-1.7.15.tgz"), gz.toByteArray());
        assertTamperedTarballRefused(tgz);
    }

    private static void putOctal(byte[] h, int off, int len, long v) {
        String s = String.format("%0" + (len - 1) + "o", v);
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }

    private void assertTamperedTarballRefused(Path tgz) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Result r = cli("models", "install", "--from", tgz.toString(), "--home", home.toString());
        assertEquals(ExitCodes.MODEL, r.code(), r::toString);
        assertNoStackTrace(r);
        assertTrue(r.err().contains("integrity"), r::toString);
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("consentry: ") && l.contains("integrity")), r::toString);
        Path models = home.resolve("models");
        if (Files.exists(models)) {
            try (Stream<Path> walk = Files.walk(models)) {
                List<Path> manifests = walk.filter(p -> p.getFileName().toString().equals("manifest.json")).toList();
                assertEquals(List.of(), manifests, "a refused install left a pack behind");
            }
            try (Stream<Path> walk = Files.walk(models)) {
                List<Path> onnx = walk.filter(p -> p.getFileName().toString().endsWith(".onnx")).toList();
                assertEquals(List.of(), onnx, "a refused install left model files behind");
            }
        }
        Result show = cli("models", "show", "--home", home.toString());
        assertEquals(ExitCodes.MODEL, show.code(), show::toString);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 7. usage errors

    @Test
    void usageErrors() {
        Result none = cli();
        assertEquals(ExitCodes.USAGE, none.code(), none::toString);
        assertNoStackTrace(none);

        Result unknown = cli("detect", sample1.toString(), "--pack", pack.toString(), "--frobnicate");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
        assertNoStackTrace(unknown);
        assertTrue(unknown.err().contains("--frobnicate"), unknown::toString);

        Result unknownCommand = cli("frobnicate");
        assertEquals(ExitCodes.USAGE, unknownCommand.code(), unknownCommand::toString);
        assertNoStackTrace(unknownCommand);

        Result oneArg = withPack("compare", List.of(sample1));
        assertEquals(ExitCodes.USAGE, oneArg.code(), oneArg::toString);
        assertNoStackTrace(oneArg);

        Result minScore = withPack("detect", List.of(sample1), "--min-score", "7");
        assertEquals(ExitCodes.USAGE, minScore.code(), minScore::toString);
        assertNoStackTrace(minScore);
        assertTrue(minScore.err().contains("min score"), minScore::toString);

        Result notANumber = withPack("detect", List.of(sample1), "--min-score", "high");
        assertEquals(ExitCodes.USAGE, notANumber.code(), notANumber::toString);
        assertNoStackTrace(notANumber);
    }

    @Test
    void helpAndVersionExitZero() {
        Result help = cli("--help");
        assertEquals(ExitCodes.OK, help.code(), help::toString);
        assertTrue(help.out().contains("detect") && help.out().contains("compare"), help::toString);
        Result version = cli("--version");
        assertEquals(ExitCodes.OK, version.code(), version::toString);
        assertTrue(version.out().contains("consentry"), version::toString);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 8. several images, one bad

    @Test
    void detectContinuesPastABadImage() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jpg"), "garbage");
        Result r = withPack("detect", List.of(bad, sample1), "--json");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        assertNoStackTrace(r);
        JsonNode root = JSON.readTree(r.out());
        assertEquals(3, root.get(sample1.toString()).get("faces").size(), r::toString);
        JsonNode badEntry = root.get(bad.toString());
        assertNotNull(badEntry, r::toString);
        assertEquals(0, badEntry.get("faces").size());
        assertTrue(badEntry.get("error").asText().contains("not a supported image"), r::toString);
        assertTrue(r.err().contains("consentry: " + bad), r::toString);

        // plain text output: the good image's faces are printed too
        Result text = withPack("detect", List.of(bad, sample1));
        assertEquals(ExitCodes.BAD_INPUT, text.code(), text::toString);
        assertTrue(text.out().contains(sample1 + ": 3 faces"), text::toString);

        // good first, bad last: same outcome
        Result reversed = withPack("detect", List.of(sample1, bad), "--json");
        assertEquals(ExitCodes.BAD_INPUT, reversed.code(), reversed::toString);
        assertEquals(3, JSON.readTree(reversed.out()).get(sample1.toString()).get("faces").size());
    }

    @Test
    void detectWithOnlyBadImagesExitsThree() throws Exception {
        Path bad1 = Files.writeString(tmp.resolve("bad1.png"), "garbage");
        Path bad2 = Files.createFile(tmp.resolve("bad2.png"));
        Result r = withPack("detect", List.of(bad1, bad2));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        assertNoStackTrace(r);
    }
}
