package io.consentry.cli.gallery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.cli.gallery.GalleryCli.Result;
import io.consentry.engine.FaceEngine;
import io.consentry.testing.TestPacks;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.testing.RedactionCheck;
import io.consentry.video.testing.SyntheticFootage;
import io.consentry.video.testing.SyntheticFootage.Footage;
import io.consentry.video.testing.SyntheticFootage.TruthFace;
import io.consentry.video.testing.VideoTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.consentry.cli.gallery.GalleryCli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code consentry redact}, {@code watch} and {@code search-video} end to end, in-process through
 * {@code ConsentryCli.run} with the real face-api.js pack, each test in its own {@code --home}. The footage is one small
 * synthetic clip (640x360, 40 frames at 25 fps, a 440 Hz tone, the four LFW walkers of {@link SyntheticFootage#gate})
 * with known face boxes, written once for the class. Donald Rumsfeld (walker 4) is in view for the whole clip, so he is
 * the person enrolled where a test needs one; his enrolment photos differ from the one in the clip.
 */
class VideoCommandsTest {
    static final String THRESHOLD = GalleryCommandsTest.THRESHOLD;
    static final int W = 640;
    static final int H = 360;
    static final int FRAMES = 40;
    /** The walker of {@link SyntheticFootage#gate} in view the whole clip. */
    static final int RUMSFELD = 4;
    static final String RUMSFELD_LFW = "Donald_Rumsfeld";

    @TempDir
    static Path footageDir;
    static Path pack;
    static Footage footage;

    @TempDir
    Path home;
    @TempDir
    Path work;
    GalleryCli cli;

    @BeforeAll
    static void writeFootage() throws Exception {
        pack = TestPacks.faceApi().dir();
        try (FaceEngine engine = VideoTests.engine()) {
            footage = SyntheticFootage.write(footageDir.resolve("gate.mp4"), W, H, 25, FRAMES, SyntheticFootage.gate(W, H, FRAMES), true, engine);
        }
    }

    @BeforeEach
    void cli() {
        cli = new GalleryCli(home, pack);
    }

    // ---- redact ----------------------------------------------------------------------------------------------------

    @Test
    void redactsAVideoWithFillKeepingFramesAndAudioAndLogsNoBiometrics() throws Exception {
        Path outDir = Files.createDirectory(work.resolve("out"));
        Path out = outDir.resolve("gate-redacted.mp4");
        Path log = outDir.resolve("redaction.json");
        Result r = cli.ok("redact", footage.file().toString(), out.toString(), "--mode", "fill", "--log", log.toString());

        // the summary on stdout, the progress bar (both phases) on stderr
        assertTrue(r.out().startsWith("redacted "), r::toString);
        assertTrue(r.out().contains("audio kept"), r::toString);
        assertTrue(r.err().contains("detect") && r.err().contains("encode") && r.err().contains("#") && r.err().contains("frames"),
                () -> "a progress bar on stderr:\n" + r);

        // same frames, audio kept, every face painted out
        assertTrue(Files.isRegularFile(out));
        try (VideoReader v = VideoReader.open(SourceLocation.parse(out.toString()))) {
            assertTrue(v.audioChannels() > 0, "audio stream in the output");
            assertEquals(W, v.width());
            assertEquals(H, v.height());
        }
        RedactionCheck.Missed missed = RedactionCheck.filled(out, footage);
        assertEquals(FRAMES, missed.framesRead(), "frame count of the output");
        assertTrue(missed.faceFrames() > 0);
        assertTrue(missed.fraction() <= 0.005, () -> "missed " + missed.missed() + " of " + missed.faceFrames() + " face-frames: "
                + missed.examples());

        // the log: tracks with boxes, frame ranges only, nothing biometric
        JsonNode report = GalleryCli.JSON.readTree(log.toFile());
        assertEquals(FRAMES, report.get("frames").asLong(), report::toString);
        assertEquals("gate.mp4", report.get("input").asText());
        assertTrue(report.get("audioKept").asBoolean());
        assertTrue(report.get("tracks").isArray() && report.get("tracks").size() >= 4, () -> "a track per walker at least: " + report);
        for (JsonNode t : report.get("tracks")) {
            assertTrue(t.get("boxes").isArray() && !t.get("boxes").isEmpty(), t::toString);
            for (JsonNode b : t.get("boxes")) {
                assertEquals(5, b.size(), "[frame, x, y, w, h]: " + b);
            }
            assertTrue(t.get("firstFrame").asLong() <= t.get("lastFrame").asLong(), t::toString);
        }
        List<String> names = fieldNamesDeep(report);
        for (String banned : List.of("descriptor", "embedding", "template", "vector", "feature", "subject", "similarity")) {
            assertTrue(names.stream().noneMatch(n -> n.toLowerCase().contains(banned)), () -> "field like '" + banned + "' in the log: " + names);
        }
        assertFalse(GalleryCommandsTest.FLOAT_ARRAY.matcher(Files.readString(log)).find(), "descriptor-like float array in the log");

        // the temporaries were renamed or removed
        assertEquals(List.of("gate-redacted.mp4", "redaction.json"), fileNames(outDir), "only the output and the log");
    }

    @Test
    void redactsAnImageToPngAndReportsAsJson() throws Exception {
        Path in = TestPacks.reference().resolve("images/sample1.jpg");
        BufferedImage original = ImageIO.read(in.toFile());
        Path out = work.resolve("sample1-redacted.png");
        Result r = cli.ok("redact", in.toString(), out.toString());
        Matcher m = Pattern.compile("^redacted (\\d+) faces? in 1 frame ").matcher(r.out());
        assertTrue(m.find(), r::toString);
        int faces = Integer.parseInt(m.group(1));
        assertTrue(faces >= 1, r::toString);
        assertFalse(r.out().contains("audio"), "no audio line for an image: " + r);
        BufferedImage redacted = ImageIO.read(out.toFile());
        assertNotNull(redacted, "the output decodes");
        assertEquals(original.getWidth(), redacted.getWidth());
        assertEquals(original.getHeight(), redacted.getHeight());
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(out), 4), "PNG by extension");

        Path out2 = work.resolve("sample1-redacted.jpg");
        JsonNode json = cli.ok("redact", in.toString(), out2.toString(), "--mode", "pixelate", "--json").json();
        assertEquals(1, json.get("frames").asLong(), json::toString);
        assertEquals(faces, json.get("redactedFaceFrames").asInt(), json::toString);
        assertEquals(faces, json.get("tracks").size(), json::toString);
        assertEquals("pixelate", json.get("style").get("mode").asText(), json::toString);
        assertEquals(0, json.get("sparedTracks").asInt());
        assertNotNull(ImageIO.read(out2.toFile()));
        assertEquals(List.of("sample1-redacted.jpg", "sample1-redacted.png"), fileNames(work), "no temporaries left");
    }

    @Test
    void missingInputIsOneLineExit3() {
        Path out = work.resolve("out.mp4");
        String line = assertOneLineError(cli.run("redact", work.resolve("nope.mp4").toString(), out.toString()), GalleryExitCodes.BAD_INPUT);
        assertTrue(line.contains("nope.mp4"), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void aTextFileNamedMp4IsExit3() throws Exception {
        Path fake = Files.writeString(work.resolve("x.mp4"), "this is not a video\n".repeat(200));
        Path out = work.resolve("x-redacted.mp4");
        assertOneLineError(cli.run("redact", fake.toString(), out.toString(), "--no-progress"), GalleryExitCodes.BAD_INPUT);
        assertEquals(List.of("x.mp4"), fileNames(work), "nothing written");
    }

    @Test
    void outputInAMissingFolderIsExit3WithTheMessageOnItsOwnLineAndNothingWritten() throws Exception {
        Path out = work.resolve("missing/out.mp4");
        Result r = cli.run("redact", footage.file().toString(), out.toString(), "--mode", "fill");
        assertEquals(GalleryExitCodes.BAD_INPUT, r.code(), r::toString);
        assertFalse(r.err().contains("\tat "), () -> "stack trace:\n" + r);
        assertTrue(r.err().contains("does not exist") && r.err().contains("missing"), r::toString);
        // the error is a line of its own, not glued to the end of the progress bar
        List<String> errorLines = r.err().lines().filter(l -> l.contains("does not exist")).toList();
        assertEquals(1, errorLines.size(), r::toString);
        assertTrue(errorLines.get(0).startsWith("consentry: "), () -> "error line glued to the progress bar: "
                + errorLines.get(0).replace("\r", "\\r") + "\n" + r);
        assertFalse(Files.exists(work.resolve("missing")), "the folder is not created");
        assertEquals(List.of(), fileNames(work), "nothing written");
    }

    @Test
    void outEqualToInIsUsageExit2() throws Exception {
        Path copy = Files.copy(footage.file(), work.resolve("in.mp4"));
        byte[] before = Files.readAllBytes(copy);
        String line = assertOneLineError(cli.run("redact", copy.toString(), copy.toString()), GalleryExitCodes.USAGE);
        assertTrue(line.contains("OUT must differ"), line);
        // also when spelled differently
        assertOneLineError(cli.run("redact", copy.toString(), work.resolve("sub/../in.mp4").toString()), GalleryExitCodes.USAGE);
        assertArrayEquals(before, Files.readAllBytes(copy), "the input is untouched");
        assertEquals(List.of("in.mp4"), fileNames(work));
    }

    @Test
    void unknownModeIsUsageExit2() {
        Path out = work.resolve("out.mp4");
        String line = assertOneLineError(cli.run("redact", footage.file().toString(), out.toString(), "--mode", "sparkle"), GalleryExitCodes.USAGE);
        assertTrue(line.contains("sparkle") && line.contains("blur"), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void unsupportedOutputExtensionNamesTheSupportedOnes() throws Exception {
        Result video = cli.run("redact", footage.file().toString(), work.resolve("out.xyz").toString(), "--no-progress");
        assertTrue(video.code() != 0, video::toString);
        String line = assertOneLineError(video, video.code());
        assertTrue(line.contains(".mp4"), line);

        // a video to an image extension: refused with one line
        Result mismatch = cli.run("redact", footage.file().toString(), work.resolve("out.png").toString(), "--no-progress");
        assertTrue(mismatch.code() != 0, mismatch::toString);
        assertOneLineError(mismatch, mismatch.code());

        // an image input: the message must name the image formats, which are the ones that apply
        Path image = TestPacks.reference().resolve("images/sample1.jpg");
        Result img = cli.run("redact", image.toString(), work.resolve("out.xyz").toString(), "--no-progress");
        assertTrue(img.code() != 0, img::toString);
        String imgLine = assertOneLineError(img, img.code());
        assertTrue(imgLine.contains(".png"), () -> "the image formats are not named for an image input: " + imgLine);
        assertEquals(List.of(), fileNames(work), "nothing written");
    }

    @Test
    void exceptingAWatchlistIsRefusedExit5() throws Exception {
        cli.ok("collections", "create", "wanted", "--purpose", "watchlist", "--threshold", THRESHOLD);
        Path image = TestPacks.reference().resolve("images/sample1.jpg");
        Path out = work.resolve("out.png");
        String line = assertOneLineError(cli.run("redact", image.toString(), out.toString(), "--except-collection", "wanted"),
                GalleryExitCodes.REFUSED);
        assertTrue(line.contains("watchlist"), line);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void exceptCollectionSparesTheConsentingEnrolledPersonOnly() throws Exception {
        enrolRumsfeld("staff", "access-control");
        Path out = work.resolve("spared.mp4");
        Result r = cli.ok("redact", footage.file().toString(), out.toString(), "--mode", "fill", "--except-collection", "staff",
                "--no-progress", "--json");
        assertTrue(r.err().isBlank(), () -> "no progress bar with --no-progress:\n" + r);
        JsonNode report = r.json();
        int spared = report.get("sparedTracks").asInt();
        assertTrue(spared >= 1, () -> "Rumsfeld's track spared: " + report);
        long sparedEntries = 0;
        for (JsonNode t : report.get("tracks")) {
            sparedEntries += t.get("spared").asBoolean() ? 1 : 0;
        }
        assertEquals(spared, sparedEntries, report::toString);

        // everyone else is painted out (the strict 0.5 % bound is checked without sparing, above; here a stray
        // face-frame is tolerated so that this test is about sparing only); Rumsfeld is mostly left visible
        RedactionCheck.Missed others = RedactionCheck.filled(out, only(footage, f -> f.walkerId() != RUMSFELD));
        assertTrue(others.fraction() <= 0.02, () -> "others missed " + others.missed() + " of " + others.faceFrames() + ": " + others.examples());
        RedactionCheck.Missed rumsfeld = RedactionCheck.filled(out, only(footage, f -> f.walkerId() == RUMSFELD));
        assertTrue(rumsfeld.faceFrames() >= FRAMES / 2);
        assertTrue(rumsfeld.fraction() >= 0.8, () -> "Rumsfeld visible in only " + rumsfeld.missed() + " of " + rumsfeld.faceFrames() + " frames");
        JsonNode audit = cli.ok("audit", "verify", "--json").json();
        assertTrue(audit.get("intact").asBoolean(), audit::toString);
    }

    // ---- watch -----------------------------------------------------------------------------------------------------

    @Test
    void watchPrintsJsonLinesEndingStopped() throws Exception {
        Result r = cli.ok("watch", footage.file().toString());
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            events.add(GalleryCli.JSON.readTree(line)); // each line parses on its own
        }
        List<String> kinds = events.stream().map(e -> e.get("event").asText()).toList();
        assertTrue(kinds.contains("track-started"), kinds::toString);
        assertTrue(kinds.contains("track-ended"), kinds::toString);
        assertFalse(kinds.contains("tracks"), "tracks snapshots only with --tracks");
        assertEquals(kinds.stream().filter("track-started"::equals).count(), kinds.stream().filter("track-ended"::equals).count(),
                "every started track ends: " + kinds);
        JsonNode last = events.get(events.size() - 1);
        assertEquals("state", last.get("event").asText(), last::toString);
        assertEquals("stopped", last.get("state").asText().toLowerCase(), last::toString);
        assertEquals("gate.mp4", last.get("source").asText(), "default name: the file name");
        assertFalse(GalleryCommandsTest.FLOAT_ARRAY.matcher(r.out()).find(), "descriptor-like float array in the events");
    }

    @Test
    void watchAgainstAWatchlistWithoutAuthorisationIsRefusedExit5() {
        cli.ok("collections", "create", "wanted", "--purpose", "watchlist", "--threshold", THRESHOLD);
        Result r = cli.run("watch", footage.file().toString(), "--collection", "wanted", "--name", "cam-1");
        String line = assertOneLineError(r, GalleryExitCodes.REFUSED);
        assertTrue(line.toLowerCase().contains("authoris"), line);
        assertTrue(line.contains("[authorisation-required]"), line);
    }

    @Test
    void watchOnAMissingFileIsExit3() {
        Result r = cli.run("watch", work.resolve("nope.mp4").toString());
        assertOneLineError(r, GalleryExitCodes.BAD_INPUT);
    }

    // ---- search-video ----------------------------------------------------------------------------------------------

    @Test
    void searchVideoIsRefusedForAccessControlAndFindsThePersonInAPhotoLibrary() throws Exception {
        String subject = enrolRumsfeld("family", "photo-library");
        cli.ok("collections", "create", "staff", "--purpose", "access-control", "--threshold", THRESHOLD);
        String refused = assertOneLineError(cli.run("search-video", footage.file().toString(), "--collection", "staff", "--subject", subject,
                "--no-progress"), GalleryExitCodes.REFUSED);
        assertTrue(refused.contains("access-control") && refused.contains("[forbidden]"), refused);

        Path thumbs = Files.createDirectory(work.resolve("thumbs"));
        Result text = cli.ok("search-video", footage.file().toString(), "--collection", "family", "--subject", subject, "--thumbnails",
                thumbs.toString(), "--no-progress");
        List<String> segments = text.out().lines().filter(l -> l.startsWith("match ")).toList();
        assertEquals(1, segments.size(), () -> "Rumsfeld is in view the whole clip: one segment\n" + text);
        assertTrue(segments.get(0).contains("similarity") && segments.get(0).contains(thumbs.toString()), segments.get(0));
        assertTrue(text.err().isBlank(), text::toString);
        List<Path> jpegs;
        try (Stream<Path> s = Files.list(thumbs)) {
            jpegs = s.filter(p -> p.toString().toLowerCase().matches(".*\\.jpe?g")).toList();
        }
        assertEquals(1, jpegs.size(), () -> "one thumbnail: " + fileNames(thumbs));
        byte[] jpeg = Files.readAllBytes(jpegs.get(0));
        assertTrue(jpeg.length > 500 && (jpeg[0] & 0xff) == 0xff && (jpeg[1] & 0xff) == 0xd8, "a JPEG");
        assertNotNull(ImageIO.read(jpegs.get(0).toFile()));

        JsonNode json = cli.ok("search-video", footage.file().toString(), "--collection", "family", "--subject", subject, "--json",
                "--no-progress").json();
        assertEquals(subject, json.get("subjectId").asText(), json::toString);
        assertEquals(FRAMES, json.get("frames").asLong(), json::toString);
        assertEquals(1, json.get("segments").size(), json::toString);
        JsonNode seg = json.get("segments").get(0);
        assertEquals("match", seg.get("status").asText(), seg::toString);
        assertTrue(seg.get("startSecond").asDouble() <= 0.2 && seg.get("endSecond").asDouble() >= (FRAMES - 4) / 25.0, seg::toString);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** Through the CLI: a collection, a subject with an in-app consent for its purpose, and two enrolled LFW photos. */
    String enrolRumsfeld(String collection, String purpose) {
        cli.ok("collections", "create", collection, "--purpose", purpose, "--threshold", THRESHOLD);
        String subject = cli.ok("subjects", "create", "--name", "Donald Rumsfeld", "--json").json().get("id").asText();
        cli.ok("consents", "record", "--subject", subject, "--purpose", purpose, "--basis", "in-app");
        List<Path> photos = GalleryCli.lfw(TestPacks.shared(), RUMSFELD_LFW);
        Result r = cli.run("enrol", "--subject", subject, "--collection", collection, photos.get(2).toString(), photos.get(3).toString(), "--json");
        long ok = 0;
        for (JsonNode e : r.json()) {
            ok += e.get("ok").asBoolean() ? 1 : 0;
        }
        assertTrue(ok >= 1, r::toString);
        return subject;
    }

    /** The footage with only the faces {@code keep} accepts in its ground truth. */
    static Footage only(Footage f, Predicate<TruthFace> keep) {
        List<List<TruthFace>> truth = f.truth().stream().map(fr -> fr.stream().filter(keep).toList()).toList();
        return new Footage(f.file(), f.width(), f.height(), f.fps(), f.frames(), truth, f.walkers());
    }

    static List<String> fileNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> fieldNamesDeep(JsonNode n) {
        List<String> names = new ArrayList<>();
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                names.addAll(fieldNamesDeep(e.getValue()));
            }
        } else if (n.isArray()) {
            n.forEach(c -> names.addAll(fieldNamesDeep(c)));
        }
        return names;
    }
}
