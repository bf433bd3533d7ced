package io.consentry.video.watch;

import com.sun.net.httpserver.HttpServer;
import io.consentry.engine.FaceEngine;
import io.consentry.image.RgbImage;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReaderOptions;
import io.consentry.video.redact.ImageRedactor;
import io.consentry.video.testing.VideoTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live HTTP MJPEG source (a camera's usual web stream) served by a real HTTP server in the test: the stream drops
 * after a few frames, stalls, and finally disappears; the watch must reconnect with backoff, report each state, and
 * end (FAILED after the allowed attempts) without a hung thread.
 */
class StreamReconnectTest {
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
    void droppedAndStalledStreamsReconnectThenGiveUp() throws Exception {
        byte[] jpeg = ImageRedactor.jpeg(engine.load(Path.of(io.consentry.testing.TestPacks.reference().resolve("images/sample1.jpg").toString())));
        AtomicInteger connections = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cam", ex -> {
            int n = connections.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=frame");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
                for (int i = 0; i < 15; i++) {
                    os.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    os.write(jpeg);
                    os.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    os.flush();
                    Thread.sleep(20);
                }
                if (n == 2) {
                    Thread.sleep(4_000); // the second connection stalls: the read timeout must fire
                }
            } catch (Exception e) {
                // client went away
            }
        });
        server.start();
        List<SourceState> states = Collections.synchronizedList(new ArrayList<>());
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/cam";
        WatchOptions opts = WatchOptions.defaults().withReconnect(Duration.ofMillis(200), Duration.ofSeconds(1), 2)
                .withReader(VideoReaderOptions.defaults().withReadTimeout(Duration.ofSeconds(1)));
        WatchSession s = new WatchSession("door-cam", SourceLocation.parse(url), engine, Optional.empty(), opts, e -> {
            if (e instanceof WatchEvent.StateChanged c) {
                states.add(c.state());
                if (connections.get() >= 3 && c.state() == SourceState.RUNNING) {
                    server.stop(0); // after the third connection the camera is gone for good
                }
            }
        }).start();
        try {
            assertTrue(s.await(60_000), "the watch ends by itself, no hung thread");
        } finally {
            server.stop(0);
            s.close();
        }
        System.out.println("states " + states + ", connections " + connections.get() + ", " + s.stats());
        assertEquals(SourceState.FAILED, s.state());
        assertTrue(s.lastError().orElse("").contains("gave up"), s.lastError().orElse(""));
        assertTrue(connections.get() >= 3, "reconnected after the drop and the stall");
        assertTrue(states.stream().filter(x -> x == SourceState.RUNNING).count() >= 3, states.toString());
        assertTrue(states.contains(SourceState.RECONNECTING));
        // each connection serves at most 15 frames, so more than 15 means frames came from more than one connection
        assertTrue(s.stats().framesRead() > 15, "frames from several connections: " + s.stats().framesRead());
        assertTrue(s.stats().reconnects() >= 3);
    }
}
