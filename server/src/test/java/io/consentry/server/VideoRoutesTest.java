package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.store.Role;
import io.consentry.testing.TestPacks;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.testing.RedactionCheck;
import io.consentry.video.testing.SyntheticFootage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.consentry.server.TestServer.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The video routes over real HTTP against a real server (real engine, real SQLite): image redaction, video redaction
 * jobs, and watched sources with their Server-Sent Events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoRoutesTest {
    static final String API = "/api/v1";
    static final int W = 320;
    static final int H = 240;
    static final int JOB_FRAMES = 40;
    static final int SOURCE_FRAMES = 100;

    TestServer s;
    Path dir;
    Path workDir;
    byte[] photo;
    SyntheticFootage.Footage jobClip;
    SyntheticFootage.Footage sourceClip;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        workDir = tmp.resolve("jobs");
        s = new TestServer(tmp, ServerOptions.builder().optPort(0).optWorkDir(workDir).build());
        photo = Files.readAllBytes(TestPacks.reference().resolve("images/sample1.jpg"));
        // large faces so a 320x240 frame surely shows them to the detector; the sprites' oval cut-outs do not overlap
        jobClip = SyntheticFootage.write(tmp.resolve("clip.mp4"), W, H, 25, JOB_FRAMES, List.of(
                new SyntheticFootage.Walker(1, "George_W_Bush", 2, 120, 0, JOB_FRAMES - 1, 0, 60, 60, 70),
                new SyntheticFootage.Walker(2, "Colin_Powell", 2, 120, 5, JOB_FRAMES - 1, 200, 50, 170, 60)), false, TestServer.engine());
        // the face enters late, so the event stream is open before the first track starts
        sourceClip = SyntheticFootage.write(tmp.resolve("gate.mp4"), W, H, 25, SOURCE_FRAMES, List.of(
                new SyntheticFootage.Walker(1, "George_W_Bush", 2, 120, 40, SOURCE_FRAMES - 1, 20, 60, 150, 70)), false, TestServer.engine());
    }

    @AfterAll
    void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    String key(Role r) {
        return s.keys.get(r);
    }

    // =================================================================================================================
    // POST /redact

    @Test
    void redactImageBlursEveryFaceAndLeavesTheRestAlone() throws Exception {
        RgbImage input = ImageDecoder.decode(photo, "sample1.jpg", TestServer.engine().options().imageLimits());
        List<int[]> faces = faces(photo);
        assertTrue(faces.size() >= 3, "sample1 shows three faces: " + faces.size());

        HttpResponse<byte[]> r = sendBytes(multipart(API + "/redact", photo), key(Role.OPERATOR));
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("image/png"), r.headers().toString());
        int redacted = Integer.parseInt(r.headers().firstValue("X-Consentry-Faces-Redacted").orElse("-1"));
        assertTrue(redacted >= faces.size(), "faces redacted: " + redacted);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(r.body(), 8), "PNG signature");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(out, "decodes as an image");
        assertEquals(input.width(), out.getWidth());
        assertEquals(input.height(), out.getHeight());

        for (int[] f : faces) {
            double diff = meanAbsDiff(input, out, f[0] + f[2] / 4, f[1] + f[3] / 4, f[2] / 2, f[3] / 2);
            assertTrue(diff > 8, "face at " + Arrays.toString(f) + " is changed (mean difference " + diff + ")");
        }
        int[] corner = farCorner(input.width(), input.height(), faces, 48);
        assertEquals(0.0, meanAbsDiff(input, out, corner[0], corner[1], 48, 48), "pixels far from any face are untouched: corner " + Arrays.toString(corner));

        // the same through JSON with a base64 image, with solid fill: face centres are black
        HttpResponse<byte[]> filled = sendBytes(jsonImage(API + "/redact?mode=fill&shape=box&margin=0.1", photo), key(Role.OPERATOR));
        assertEquals(200, filled.statusCode());
        BufferedImage fill = ImageIO.read(new ByteArrayInputStream(filled.body()));
        for (int[] f : faces) {
            int cx = f[0] + f[2] / 2;
            int cy = f[1] + f[3] / 2;
            for (int y = cy - f[3] / 10; y <= cy + f[3] / 10; y++) {
                for (int x = cx - f[2] / 10; x <= cx + f[2] / 10; x++) {
                    assertEquals(0, fill.getRGB(x, y) & 0xFFFFFF, "black at " + x + "," + y + " in face " + Arrays.toString(f));
                }
            }
        }
        assertEquals(0.0, meanAbsDiff(input, fill, corner[0], corner[1], 48, 48), "fill leaves the far corner alone");

        // audited as redact, with the hash of the input as received
        String sha = sha256(photo);
        List<JsonNode> audit = audit();
        assertTrue(audit.stream().anyMatch(a -> a.path("action").asText().equals("redact") && a.path("outcome").asText().equals("ok")
                && sha.equals(a.path("inputImageSha256").asText()) && a.path("detail").asText().contains("faces redacted")), "redact audited");
    }

    @Test
    void redactImageRefusesBadInputAndOtherRoles() {
        byte[] text = "this is not an image".getBytes(StandardCharsets.UTF_8);
        problem(s.postMultipart(API + "/redact", key(Role.OPERATOR), Map.of(), text), 400, "BAD_IMAGE");
        problem(s.postImageJson(API + "/redact", key(Role.OPERATOR), Map.of(), text), 400, "BAD_IMAGE");
        JsonNode p = problem(s.postMultipart(API + "/redact?mode=sparkle", key(Role.OPERATOR), Map.of(), photo), 400, "INVALID_INPUT");
        assertTrue(p.get("detail").asText().contains("blur"), "names the accepted modes: " + p);
        problem(s.postMultipart(API + "/redact?shape=star", key(Role.OPERATOR), Map.of(), photo), 400, "INVALID_INPUT");
        TestServer.Resp margin = s.postMultipart(API + "/redact?margin=abc", key(Role.OPERATOR), Map.of(), photo);
        assertEquals(400, margin.status(), margin.toString());
        assertTrue(margin.json().get("detail").asText().contains("margin"), margin.toString());
        problem(s.postMultipart(API + "/redact?margin=5", key(Role.OPERATOR), Map.of(), photo), 400, "INVALID_INPUT");
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url(API + "/redact"))).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)), key(Role.OPERATOR)), 415, "UNSUPPORTED_MEDIA_TYPE");

        problem(s.postMultipart(API + "/redact", key(Role.ENROLLER), Map.of(), photo), 403, "FORBIDDEN");
        problem(s.postMultipart(API + "/redact", key(Role.ADMIN), Map.of(), photo), 403, "FORBIDDEN");
        problem(s.postMultipart(API + "/redact", null, Map.of(), photo), 401, "UNAUTHENTICATED");
        assertTrue(audit().stream().anyMatch(a -> a.path("action").asText().equals("redact") && a.path("outcome").asText().equals("denied")),
                "refused redactions are audited as denied");
    }

    // =================================================================================================================
    // Redaction jobs

    @Test
    void redactionJobRunsWithProgressAndOnlyItsOwnerSeesIt() throws Exception {
        byte[] video = Files.readAllBytes(jobClip.file());
        TestServer.Resp created = postVideo(API + "/redaction-jobs?name=clip.mp4&mode=fill", key(Role.OPERATOR), "video/mp4", video);
        assertEquals(202, created.status(), created.toString());
        assertTrue(created.contentType().startsWith("application/json"), created.toString());
        String id = created.json().get("id").asText();
        assertFalse(id.isEmpty());
        assertTrue(List.of("queued", "running").contains(created.json().get("state").asText()), created.toString());

        JsonNode job = awaitJob(id, key(Role.OPERATOR));
        assertEquals("done", job.get("state").asText(), job.toString());
        assertEquals(1.0, job.get("progress").asDouble());
        assertEquals(JOB_FRAMES, job.get("result").get("frames").asLong(), job.toString());
        assertTrue(job.get("result").get("redactedFaceFrames").asLong() > 0, job.toString());
        assertTrue(job.get("result").get("tracks").asInt() >= 2, job.toString());

        HttpResponse<byte[]> result = sendBytes(HttpRequest.newBuilder(URI.create(s.url(API + "/redaction-jobs/" + id + "/result"))).GET(),
                key(Role.OPERATOR));
        assertEquals(200, result.statusCode(), () -> new String(result.body(), StandardCharsets.UTF_8));
        String disposition = result.headers().firstValue("Content-Disposition").orElse("");
        assertTrue(disposition.startsWith("attachment"), disposition);
        assertTrue(disposition.contains("redacted-clip.mp4"), disposition);
        assertEquals(String.valueOf(result.body().length), result.headers().firstValue("Content-Length").orElse(""));
        Path out = dir.resolve("downloaded.mp4");
        Files.write(out, result.body());
        try (VideoReader reader = VideoReader.open(SourceLocation.parse(out.toString()))) {
            assertEquals(W, reader.width());
            assertEquals(H, reader.height());
            long frames = 0;
            while (reader.next().isPresent()) {
                frames++;
            }
            assertEquals(JOB_FRAMES, frames);
        }
        // mode=fill reached the job: the faces of the ground truth are black in the download
        RedactionCheck.Missed missed = RedactionCheck.filled(out, jobClip);
        assertTrue(missed.faceFrames() > 0 && missed.fraction() <= 0.05, "missed " + missed.missed() + " of " + missed.faceFrames() + ": "
                + missed.examples());

        JsonNode mine = check(s.get(API + "/redaction-jobs", key(Role.OPERATOR)), 200).json();
        assertTrue(contains(mine, id), mine.toString());

        // another operator's key sees nothing of it
        String other = otherOperator();
        problem(s.get(API + "/redaction-jobs/" + id, other), 404, "NOT_FOUND");
        problem(s.get(API + "/redaction-jobs/" + id + "/result", other), 404, "NOT_FOUND");
        problem(s.delete(API + "/redaction-jobs/" + id, other), 404, "NOT_FOUND");
        assertFalse(contains(check(s.get(API + "/redaction-jobs", other), 200).json(), id));
        problem(s.get(API + "/redaction-jobs/" + id, key(Role.ADMIN)), 403, "FORBIDDEN");

        // the finished job is audited as a redaction of the uploaded file
        String sha = sha256(video);
        assertTrue(audit().stream().anyMatch(a -> a.path("action").asText().equals("redact") && sha.equals(a.path("inputImageSha256").asText())
                && a.path("detail").asText().contains(id)), "job audited");

        assertEquals(204, s.delete(API + "/redaction-jobs/" + id, key(Role.OPERATOR)).status());
        problem(s.get(API + "/redaction-jobs/" + id, key(Role.OPERATOR)), 404, "NOT_FOUND");
        problem(s.get(API + "/redaction-jobs/" + id + "/result", key(Role.OPERATOR)), 404, "NOT_FOUND");
        problem(s.delete(API + "/redaction-jobs/" + id, key(Role.OPERATOR)), 404, "NOT_FOUND");
    }

    @Test
    void redactionJobRefusesWrongBodiesAndReportsUnreadableVideos() throws Exception {
        String op = key(Role.OPERATOR);
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4", op, "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        problem(s.postMultipart(API + "/redaction-jobs?name=clip.mp4", op, Map.of(), Files.readAllBytes(jobClip.file())), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4", op, "video/mp4", new byte[0]), 400, "INVALID_INPUT");
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4&mode=sparkle", op, "video/mp4", new byte[] {1, 2, 3}), 400, "INVALID_INPUT");
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4&detectEvery=0", op, "video/mp4", new byte[] {1, 2, 3}), 400, "INVALID_INPUT");
        problem(postVideo(API + "/redaction-jobs?name=..%2Fclip.mp4", op, "video/mp4", new byte[] {1, 2, 3}), 400, "INVALID_INPUT");
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4", key(Role.REVIEWER), "video/mp4", new byte[] {1, 2, 3}), 403, "FORBIDDEN");
        problem(postVideo(API + "/redaction-jobs?name=clip.mp4", null, "video/mp4", new byte[] {1, 2, 3}), 401, "UNAUTHENTICATED");
        problem(s.get(API + "/redaction-jobs/0123456789abcdef", op), 404, "NOT_FOUND");
        problem(s.get(API + "/redaction-jobs/0123456789abcdef/result", op), 404, "NOT_FOUND");

        byte[] junk = new byte[200_000];
        new Random(42).nextBytes(junk);
        TestServer.Resp created = postVideo(API + "/redaction-jobs?name=x.mp4", op, "video/mp4", junk);
        assertEquals(202, created.status(), created.toString());
        String id = created.json().get("id").asText();
        JsonNode job = awaitJob(id, op);
        assertEquals("failed", job.get("state").asText(), job.toString());
        String error = job.path("error").asText();
        assertFalse(error.isBlank(), job.toString());
        for (String leak : new String[] {"\tat ", "\n", "Exception", "java.", "io.consentry."}) {
            assertFalse(error.contains(leak), "job error leaks '" + leak + "': " + error);
        }
        TestServer.Resp noResult = s.get(API + "/redaction-jobs/" + id + "/result", op);
        problem(noResult, 409, "CONFLICT");
        assertEquals(204, s.delete(API + "/redaction-jobs/" + id, op).status());
        problem(s.get(API + "/redaction-jobs/" + id, op), 404, "NOT_FOUND");
    }

    /*
     * Bug (VideoRoutes.jobResult): the result is sent as application/octet-stream through Javalin's compressing output
     * stream with an explicit Content-Length of the file size; a client that accepts gzip (every browser, so the
     * console) gets a gzipped body shorter or longer than the declared length: a broken download.
     */
    @Test
    void resultDownloadSurvivesGzipNegotiation() throws Exception {
        byte[] video = Files.readAllBytes(jobClip.file());
        TestServer.Resp created = check(postVideo(API + "/redaction-jobs?name=clip.mp4", key(Role.OPERATOR), "video/mp4", video), 202);
        String id = created.json().get("id").asText();
        assertEquals("done", awaitJob(id, key(Role.OPERATOR)).get("state").asText());
        URI uri = URI.create(s.url(API + "/redaction-jobs/" + id + "/result"));
        byte[] identity = sendBytes(HttpRequest.newBuilder(uri).GET(), key(Role.OPERATOR)).body();
        HttpResponse<java.io.InputStream> gz = s.http.send(HttpRequest.newBuilder(uri).header("X-API-Key", key(Role.OPERATOR))
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, gz.statusCode());
        byte[] body;
        try (java.io.InputStream in = gz.body()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("download broken with Accept-Encoding: gzip (headers " + gz.headers().map() + "): " + e.getMessage(), e);
        }
        if (gz.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            body = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        assertArrayEquals(identity, body, "the same file whatever the client accepts");
        assertEquals(204, s.delete(API + "/redaction-jobs/" + id, key(Role.OPERATOR)).status());
    }

    /*
     * Bug (RedactionJobs.run / VideoReader.open): a failed job's error is the VideoException message, which names the
     * server's private upload file (work folder and random temp name) and JavaCV's developer hints, e.g. "cannot open
     * /srv/jobs/upload-1125...mp4: avformat_open_input() error -1094995529: Could not open input \"/srv/jobs/upload-...
     * .mp4\". (Has setFormat() been called?) (For more details, make sure FFmpegLogCallback.set() has been called.)".
     */
    @Test
    void failedJobErrorNamesTheUploadNotServerPaths() throws Exception {
        byte[] junk = new byte[50_000];
        new Random(7).nextBytes(junk);
        TestServer.Resp created = check(postVideo(API + "/redaction-jobs?name=holiday.mp4", key(Role.OPERATOR), "video/mp4", junk), 202);
        String id = created.json().get("id").asText();
        JsonNode job = awaitJob(id, key(Role.OPERATOR));
        assertEquals("failed", job.get("state").asText(), job.toString());
        String error = job.path("error").asText();
        assertFalse(error.contains(workDir.toString()), "error reveals the server's work folder: " + error);
        assertFalse(error.contains("upload-"), "error names the server's temp file: " + error);
        assertFalse(error.contains("FFmpegLogCallback"), "error carries a library's developer hint: " + error);
        assertEquals(204, s.delete(API + "/redaction-jobs/" + id, key(Role.OPERATOR)).status());
    }

    // =================================================================================================================
    // Sources

    @Test
    void watchedFileStreamsEventsUntilItEnds() throws Exception {
        String admin = key(Role.ADMIN);
        String op = key(Role.OPERATOR);
        TestServer.Resp added = s.postJson(API + "/sources", admin, Map.of("name", "Gate Camera 1", "url", sourceClip.file().toString()));
        assertEquals(201, added.status(), added.toString());
        String id = added.json().get("id").asText();
        assertEquals("gate-camera-1", id);
        assertEquals("Gate Camera 1", added.json().get("name").asText());

        List<String[]> events = readEvents(id, op, Duration.ofSeconds(40));
        List<String> names = events.stream().map(e -> e[0]).toList();
        List<String> states = events.stream().filter(e -> e[0].equals("state")).map(e -> json(e[1]).get("state").asText()).toList();
        assertTrue(states.contains("running"), "state running: " + names + " " + states);
        assertTrue(names.contains("tracks"), names.toString());
        assertTrue(names.contains("track-started"), names.toString());
        assertTrue(names.contains("track-ended"), "the file's end ends its tracks: " + names);
        assertEquals("stopped", states.get(states.size() - 1), "a file ends: " + states);
        JsonNode started = json(events.stream().filter(e -> e[0].equals("track-started")).findFirst().orElseThrow()[1]);
        assertEquals(id, started.get("source").asText());
        assertTrue(started.get("box").get("width").asDouble() > 10, started.toString());
        assertTrue(names.indexOf("track-started") < names.lastIndexOf("state"), "stopped comes last: " + names);

        HttpResponse<byte[]> frame = sendBytes(HttpRequest.newBuilder(URI.create(s.url(API + "/sources/" + id + "/frame.jpg"))).GET(), op);
        assertEquals(200, frame.statusCode());
        assertTrue(frame.headers().firstValue("Content-Type").orElse("").startsWith("image/jpeg"), frame.headers().toString());
        BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(frame.body()));
        assertNotNull(jpeg);
        assertEquals(W, jpeg.getWidth());
        assertEquals(H, jpeg.getHeight());

        for (Role r : List.of(Role.OPERATOR, Role.ADMIN)) {
            JsonNode list = check(s.get(API + "/sources", key(r)), 200).json();
            assertTrue(contains(list, id), r + ": " + list);
        }
        JsonNode one = check(s.get(API + "/sources/" + id, op), 200).json();
        assertEquals("stopped", one.get("state").asText(), one.toString());
        assertEquals(SOURCE_FRAMES, one.get("framesRead").asLong(), one.toString());
        assertTrue(one.get("tracksStarted").asLong() >= 1, one.toString());
        assertEquals(sourceClip.file().toString(), one.get("url").asText());
        problem(s.get(API + "/sources", key(Role.REVIEWER)), 403, "FORBIDDEN");
        problem(s.get(API + "/sources/" + id + "/events", admin), 403, "FORBIDDEN");
        problem(s.get(API + "/sources/" + id + "/frame.jpg", key(Role.AUDITOR)), 403, "FORBIDDEN");

        // duplicate, bad scheme, operator may not manage sources
        problem(s.postJson(API + "/sources", admin, Map.of("name", "gate camera 1", "url", sourceClip.file().toString())), 409, "CONFLICT");
        problem(s.postJson(API + "/sources", admin, Map.of("name", "Gopher", "url", "gopher://example.org/video")), 400, "INVALID_INPUT");
        problem(s.postJson(API + "/sources", admin, Map.of("name", "No url")), 400, "INVALID_INPUT");
        problem(s.postJson(API + "/sources", op, Map.of("name", "Sneaky", "url", sourceClip.file().toString())), 403, "FORBIDDEN");
        problem(s.delete(API + "/sources/" + id, op), 403, "FORBIDDEN");

        assertEquals(204, s.delete(API + "/sources/" + id, admin).status());
        problem(s.get(API + "/sources/" + id, op), 404, "NOT_FOUND");
        problem(s.get(API + "/sources/" + id + "/events", op), 404, "NOT_FOUND");
        problem(s.get(API + "/sources/" + id + "/frame.jpg", op), 404, "NOT_FOUND");
        problem(s.delete(API + "/sources/" + id, admin), 404, "NOT_FOUND");
        assertFalse(contains(check(s.get(API + "/sources", op), 200).json(), id));

        List<JsonNode> audit = audit();
        assertTrue(audit.stream().anyMatch(a -> a.path("action").asText().equals("source-add") && a.path("outcome").asText().equals("ok")
                && id.equals(a.path("objectId").asText())), "source-add audited");
        assertTrue(audit.stream().anyMatch(a -> a.path("action").asText().equals("source-remove") && a.path("outcome").asText().equals("ok")
                && id.equals(a.path("objectId").asText())), "source-remove audited");
    }

    @Test
    void missingFileFailsTheSourceNamingTheFile() throws Exception {
        String admin = key(Role.ADMIN);
        Path missing = dir.resolve("nowhere").resolve("missing-clip.mp4");
        TestServer.Resp added = s.postJson(API + "/sources", admin, Map.of("name", "Missing clip", "url", missing.toString()));
        assertEquals(201, added.status(), added.toString());
        String id = added.json().get("id").asText();
        assertEquals("missing-clip", id);
        JsonNode src = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            src = check(s.get(API + "/sources/" + id, key(Role.OPERATOR)), 200).json();
            if (src.get("state").asText().equals("failed")) {
                break;
            }
            Thread.sleep(50);
        }
        assertNotNull(src);
        assertEquals("failed", src.get("state").asText(), src.toString());
        assertTrue(src.path("lastError").asText().contains("missing-clip.mp4"), src.toString());
        problem(s.get(API + "/sources/" + id + "/frame.jpg", key(Role.OPERATOR)), 404, "NOT_FOUND");
        assertEquals(204, s.delete(API + "/sources/" + id, admin).status());
        problem(s.get(API + "/sources/" + id, key(Role.OPERATOR)), 404, "NOT_FOUND");
    }

    // =================================================================================================================
    // Helpers

    /** A well-formed problem document with {@code code} and nothing internal in it. */
    static JsonNode problem(TestServer.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.contentType().startsWith(ProblemMapper.PROBLEM_MEDIA), r.toString());
        JsonNode p = r.json();
        assertEquals(code, p.get("code").asText(), r.toString());
        assertEquals(status, p.get("status").asInt());
        assertFalse(p.get("detail").asText().isEmpty());
        for (String leak : new String[] {"Exception", "\tat ", "java.", "io.consentry.", "com.fasterxml"}) {
            assertFalse(r.body().contains(leak), "problem leaks '" + leak + "': " + r.body());
        }
        return p;
    }

    static JsonNode json(String text) {
        try {
            return TestServer.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static boolean contains(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (id.equals(n.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    HttpResponse<byte[]> sendBytes(HttpRequest.Builder b, String key) {
        if (key != null) {
            b.header("X-API-Key", key);
        }
        try {
            return s.http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpRequest.Builder multipart(String path, byte[] image) {
        String boundary = "----consentry" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(image);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(s.url(path))).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
    }

    HttpRequest.Builder jsonImage(String path, byte[] image) {
        String body = "{\"image\":\"" + java.util.Base64.getEncoder().encodeToString(image) + "\"}";
        return HttpRequest.newBuilder(URI.create(s.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    TestServer.Resp postVideo(String path, String key, String contentType, byte[] body) {
        return s.send(HttpRequest.newBuilder(URI.create(s.url(path))).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), key);
    }

    /** Face boxes {x, y, w, h} from POST /detect. */
    List<int[]> faces(byte[] image) {
        JsonNode d = check(s.postMultipart(API + "/detect", key(Role.OPERATOR), Map.of(), image), 200).json();
        List<int[]> out = new ArrayList<>();
        for (JsonNode f : d.get("faces")) {
            JsonNode b = f.get("box");
            out.add(new int[] {(int) b.get("x").asDouble(), (int) b.get("y").asDouble(), (int) b.get("width").asDouble(), (int) b.get("height").asDouble()});
        }
        return out;
    }

    static double meanAbsDiff(RgbImage a, BufferedImage b, int x0, int y0, int w, int h) {
        long sum = 0;
        long n = 0;
        for (int y = Math.max(0, y0); y < Math.min(a.height(), y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(a.width(), x0 + w); x++) {
                int rgb = b.getRGB(x, y);
                sum += Math.abs(a.get(x, y, 0) - ((rgb >> 16) & 0xFF)) + Math.abs(a.get(x, y, 1) - ((rgb >> 8) & 0xFF))
                        + Math.abs(a.get(x, y, 2) - (rgb & 0xFF));
                n += 3;
            }
        }
        return n == 0 ? 0 : sum / (double) n;
    }

    /** Top-left of the side×side corner patch farthest from every face (at least two face sizes away). */
    static int[] farCorner(int width, int height, List<int[]> faces, int side) {
        int[][] corners = {{0, 0}, {width - side, 0}, {0, height - side}, {width - side, height - side}};
        int[] best = null;
        double bestGap = -1;
        for (int[] c : corners) {
            double gap = Double.MAX_VALUE;
            for (int[] f : faces) {
                double dx = Math.max(0, Math.max(f[0] - (c[0] + side), c[0] - (f[0] + f[2])));
                double dy = Math.max(0, Math.max(f[1] - (c[1] + side), c[1] - (f[1] + f[3])));
                gap = Math.min(gap, Math.max(dx, dy) / Math.max(f[2], f[3]));
            }
            if (gap > bestGap) {
                bestGap = gap;
                best = c;
            }
        }
        assertTrue(bestGap >= 2, "a corner at least two face sizes from every face: " + bestGap);
        return best;
    }

    /** Polls a job until it is done or failed (120 s at most); progress stays in [0, 1] and never decreases. */
    JsonNode awaitJob(String id, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        double last = 0;
        List<Double> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            JsonNode j = check(s.get(API + "/redaction-jobs/" + id, key), 200).json();
            double p = j.get("progress").asDouble();
            seen.add(p);
            assertTrue(p >= 0 && p <= 1, "progress in [0, 1]: " + j);
            assertTrue(p >= last, "progress never decreases: " + seen);
            last = p;
            String state = j.get("state").asText();
            if (state.equals("done") || state.equals("failed")) {
                return j;
            }
            assertTrue(List.of("queued", "running").contains(state), j.toString());
            Thread.sleep(40);
        }
        return fail("job " + id + " did not finish in 120 s; progress " + seen);
    }

    /** A second operator key, created by the admin through the API. */
    String otherOperator() {
        TestServer.Resp r = check(s.postJson(API + "/api-keys", key(Role.ADMIN), Map.of("name", "second operator", "role", "operator")), 201);
        return r.json().get("secret").asText();
    }

    /** The whole audit log through GET /audit (auditor), page by page. */
    List<JsonNode> audit() {
        List<JsonNode> all = new ArrayList<>();
        long from = 1;
        while (true) {
            JsonNode page = check(s.get(API + "/audit?limit=1000&fromSeq=" + from, key(Role.AUDITOR)), 200).json();
            page.get("records").forEach(all::add);
            JsonNode next = page.path("nextFromSeq");
            if (next.isMissingNode() || next.isNull()) {
                return all;
            }
            from = next.asLong();
        }
    }

    /**
     * Reads a source's Server-Sent Events until its state is stopped or failed (or {@code timeout}); returns {event,
     * data} pairs in order.
     */
    List<String[]> readEvents(String sourceId, String key, Duration timeout) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.url(API + "/sources/" + sourceId + "/events"))).header("X-API-Key", key)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> resp = s.http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), resp.headers().toString());
        List<String[]> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            String name = null;
            StringBuilder data = new StringBuilder();
            var it = resp.body().iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && name != null) {
                    events.add(new String[] {name, data.toString()});
                    boolean end = name.equals("state") && List.of("stopped", "failed").contains(json(data.toString()).get("state").asText());
                    name = null;
                    data.setLength(0);
                    if (end) {
                        return;
                    }
                }
            }
        });
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no final state within " + timeout + "; events: " + events.stream().map(x -> x[0]).toList());
        } finally {
            resp.body().close();
        }
        return new ArrayList<>(events);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
