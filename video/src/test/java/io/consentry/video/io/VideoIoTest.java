package io.consentry.video.io;

import io.consentry.engine.FaceEngine;
import io.consentry.testing.TestPacks;
import io.consentry.video.VideoException;
import io.consentry.video.VideoFrame;
import io.consentry.video.testing.SyntheticFootage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoIoTest {
    static FaceEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = io.consentry.video.testing.VideoTests.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void writesAndReadsBackEveryFrameWithTimestampsAndAudio(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate.mp4");
        SyntheticFootage.Footage f = SyntheticFootage.write(file, 640, 360, 25, 30, SyntheticFootage.gate(640, 360, 30), true, engine);
        assertTrue(Files.size(file) > 10_000);
        try (VideoReader r = VideoReader.open(SourceLocation.parse(file.toString()))) {
            assertEquals(640, r.width());
            assertEquals(360, r.height());
            assertEquals(25, r.frameRate(), 0.01);
            assertEquals(1, r.audioChannels());
            int n = 0;
            long last = -1;
            Optional<VideoFrame> fr;
            while ((fr = r.next()).isPresent()) {
                assertEquals(n, fr.get().index());
                assertTrue(fr.get().timestampMicros() > last, "timestamps increase");
                last = fr.get().timestampMicros();
                n++;
            }
            assertEquals(f.frames(), n);
            assertEquals(29 * 40_000, last, 1_000, "frame 29 at 1.16 s");
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no partial file left beside the output");
        }
    }

    @Test
    void refusesWhatIsNotAVideo(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video ".repeat(100));
        VideoException e = assertThrows(VideoException.class, () -> VideoReader.open(SourceLocation.parse(text.toString())));
        assertTrue(e.getMessage().contains("notes.mp4"), e.getMessage());
        VideoException missing = assertThrows(VideoException.class, () -> VideoReader.open(SourceLocation.parse(dir.resolve("nope.mp4").toString())));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path jpeg = TestPacks.reference().resolve("images/sample1.jpg");
        // a still image opens as a one-frame "video" in FFmpeg; that is fine and must not crash
        try (VideoReader r = VideoReader.open(SourceLocation.parse(jpeg.toString()))) {
            assertTrue(r.next().isPresent());
        }
    }

    @Test
    void truncatedVideoDecodesWhatIsThereOrFailsCleanly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("full.mkv");
        SyntheticFootage.write(file, 320, 240, 25, 40, SyntheticFootage.gate(320, 240, 40), false, engine);
        byte[] all = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.mkv"), Arrays.copyOf(all, all.length / 2));
        int n = 0;
        try (VideoReader r = VideoReader.open(SourceLocation.parse(cut.toString()))) {
            while (r.next().isPresent()) {
                n++;
            }
        } catch (VideoException e) {
            assertTrue(e.getMessage().contains("cut.mkv"), e.getMessage());
        }
        assertTrue(n < 40, "a truncated file cannot yield every frame, got " + n);
    }

    @Test
    void refusesUnwritableOutputsAndUnknownContainers(@TempDir Path dir) throws Exception {
        VideoException e = assertThrows(VideoException.class,
                () -> VideoWriter.create(dir.resolve("missing/out.mp4"), VideoWriter.Spec.video(64, 64, 25)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        VideoException ext = assertThrows(VideoException.class, () -> VideoWriter.create(dir.resolve("out.xyz"), VideoWriter.Spec.video(64, 64, 25)));
        assertTrue(ext.getMessage().contains(".mp4"), ext.getMessage());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void abandonedWriterLeavesNothing(@TempDir Path dir) throws Exception {
        try (VideoWriter w = VideoWriter.create(dir.resolve("out.mp4"), VideoWriter.Spec.video(64, 64, 25))) {
            w.writeImage(new io.consentry.image.RgbImage(64, 64, new byte[64 * 64 * 3]), 0);
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        assertFalse(Files.exists(dir.resolve("out.mp4")));
    }

    @Test
    void parsesSourcesAndHidesPasswords() {
        assertEquals(SourceLocation.Kind.STREAM, SourceLocation.parse("rtsp://cam1.local/stream").kind());
        assertEquals(SourceLocation.Kind.CAMERA, SourceLocation.parse("/dev/video0").kind());
        assertEquals(SourceLocation.Kind.FILE, SourceLocation.parse("clip.mp4").kind());
        assertEquals("rtsp://admin:***@10.0.0.5/live", SourceLocation.parse("rtsp://admin:hunter2@10.0.0.5/live").toString());
        assertThrows(IllegalArgumentException.class, () -> SourceLocation.parse("gopher://x"));
    }
}
