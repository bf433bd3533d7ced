package io.consentry.video.redact;

import io.consentry.engine.FaceEngine;
import io.consentry.video.VideoException;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.ProgressListener;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.testing.RedactionCheck;
import io.consentry.video.testing.SyntheticFootage;
import io.consentry.video.testing.VideoTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoRedactorTest {
    static FaceEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = VideoTests.engine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void everyFaceFrameIsCoveredAndAudioIsKept(@TempDir Path dir) throws Exception {
        int w = 1280, h = 720, frames = 75;
        SyntheticFootage.Footage in = SyntheticFootage.write(dir.resolve("gate.mp4"), w, h, 25, frames, SyntheticFootage.gate(w, h, frames), true, engine);
        VideoRedactor redactor = new VideoRedactor(new FrameDetector(engine, 720),
                new RedactionStyle(RedactionStyle.Mode.FILL, RedactionStyle.Shape.ELLIPSE, 0.25), TrackingPass.Options.defaults().withDetectEvery(3));
        AtomicLong encoded = new AtomicLong();
        Path out = dir.resolve("gate-redacted.mp4");
        RedactionReport report = redactor.redact(in.file(), out, FaceSparer.NOBODY, (phase, done, total) -> {
            if (phase.equals("encode")) {
                encoded.set(done);
            }
        });
        assertEquals(frames, report.frames());
        assertEquals(frames, encoded.get());
        assertTrue(report.audioKept());
        RedactionCheck.Missed missed = RedactionCheck.filled(out, in);
        System.out.printf("redaction: %d of %d face-frames missed (%.3f %%), %d tracks, %.1f fps, first misses %s%n", missed.missed(),
                missed.faceFrames(), 100 * missed.fraction(), report.tracks().size(), report.framesPerSecond(), missed.examples());
        assertEquals(frames, missed.framesRead());
        assertTrue(missed.fraction() <= 0.005, "missed " + missed.missed() + " of " + missed.faceFrames() + ": " + missed.examples());
        try (VideoReader r = VideoReader.open(SourceLocation.parse(out.toString()))) {
            assertEquals(1, r.audioChannels(), "audio track kept");
            assertEquals(w, r.width());
        }
    }

    @Test
    void unwritableOutputFailsBeforeAnyWorkAndLeavesNothing(@TempDir Path dir) throws Exception {
        SyntheticFootage.Footage in = SyntheticFootage.write(dir.resolve("in.mp4"), 320, 240, 25, 10, SyntheticFootage.gate(320, 240, 10), false, engine);
        VideoRedactor redactor = new VideoRedactor(new FrameDetector(engine, 720), RedactionStyle.defaults(), TrackingPass.Options.defaults());
        VideoException e = assertThrows(VideoException.class,
                () -> redactor.redact(in.file(), dir.resolve("nope/out.mp4"), FaceSparer.NOBODY, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        VideoException ext = assertThrows(VideoException.class,
                () -> redactor.redact(in.file(), dir.resolve("out.txt"), FaceSparer.NOBODY, ProgressListener.NONE));
        assertTrue(ext.getMessage().contains(".mp4"), ext.getMessage());
        Path notVideo = Files.writeString(dir.resolve("fake.mp4"), "x".repeat(5000));
        assertThrows(VideoException.class, () -> redactor.redact(notVideo, dir.resolve("o.mp4"), FaceSparer.NOBODY, ProgressListener.NONE));
        assertFalse(Files.exists(dir.resolve("o.mp4")));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "only the two inputs remain");
        }
    }
}
