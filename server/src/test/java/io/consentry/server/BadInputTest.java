package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.store.Role;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;

import static io.consentry.server.TestServer.BUSH_A;
import static io.consentry.server.TestServer.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed, mistyped, oversized and hostile requests get clean 4xx problems; failures get a 500 without internals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    static final long MAX = 1 << 20;
    TestServer s;
    String collection;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        s = new TestServer(dir, ServerOptions.builder().optPort(0).optMaxRequestBytes(MAX).build());
        collection = s.createCollection("bad-input", "access-control");
    }

    @AfterAll
    void stop() throws Exception {
        s.close();
    }

    String key(Role r) {
        return s.keys.get(r);
    }

    /** A well-formed problem document with {@code code} and nothing internal in it. */
    static JsonNode problem(TestServer.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.contentType().startsWith(ProblemMapper.PROBLEM_MEDIA), r.toString());
        JsonNode p = r.json();
        assertEquals(code, p.get("code").asText(), r.toString());
        assertEquals(status, p.get("status").asInt());
        assertTrue(p.get("type").asText().startsWith("urn:consentry:problem:"));
        assertFalse(p.get("title").asText().isEmpty());
        assertFalse(p.get("detail").asText().isEmpty());
        assertFalse(p.get("requestId").asText().isEmpty());
        for (String leak : new String[] {"Exception", "\tat ", "java.", "io.consentry.", "com.fasterxml", "/tmp/", "jdbc"}) {
            assertFalse(r.body().contains(leak), "problem leaks '" + leak + "': " + r.body());
        }
        return p;
    }

    @Test
    void malformedJson() {
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\": \"x\", "), 400, "MALFORMED_REQUEST");
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "[1, 2]"), 400, "MALFORMED_REQUEST");
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), ""), 400, "MALFORMED_REQUEST");
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"a\",\"name\":\"b\",\"purpose\":\"watchlist\"}"), 400,
                "MALFORMED_REQUEST");
    }

    @Test
    void wrongTypesUnknownAndMissingFields() {
        var p = problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"x\",\"purpose\":\"access-control\",\"matchThreshold\":\"high\"}"),
                400, "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("matchThreshold"), p.toString());
        p = problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":[\"x\"],\"purpose\":\"access-control\"}"), 400, "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("name"), p.toString());
        p = problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"x\",\"purpose\":\"spying\"}"), 400, "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("access-control"), "lists the accepted purposes: " + p);
        p = problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"x\",\"purpose\":\"watchlist\",\"colour\":\"red\"}"), 400,
                "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("colour"), p.toString());
        p = problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"x\"}"), 400, "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("purpose"), p.toString());
        p = problem(s.postImageJson("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", collection, "k", 2.5), bytes(BUSH_A)), 400,
                "MALFORMED_REQUEST");
        assertTrue(p.get("detail").asText().contains("'k'"), p.toString());
        problem(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", collection, "k", "many"), bytes(BUSH_A)), 400,
                "MALFORMED_REQUEST");
        problem(s.get("/api/v1/audit?limit=abc", key(Role.AUDITOR)), 400, "MALFORMED_REQUEST");
        problem(s.get("/api/v1/review-cases?status=maybe", key(Role.REVIEWER)), 400, "MALFORMED_REQUEST");
    }

    @Test
    void invalidValues() {
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"x\",\"purpose\":\"watchlist\",\"matchThreshold\":2.0}"), 400,
                "INVALID_INPUT");
        problem(s.postJson("/api/v1/collections", key(Role.ADMIN), "{\"name\":\"   \",\"purpose\":\"watchlist\"}"), 400, "INVALID_INPUT");
        problem(s.postImageJson("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", collection, "k", 0), bytes(BUSH_A)), 400,
                "INVALID_INPUT");
        problem(s.get("/api/v1/audit?limit=0", key(Role.AUDITOR)), 400, "INVALID_INPUT");
    }

    @Test
    void wrongContentType() {
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/collections"))).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"purpose\":\"watchlist\"}")), key(Role.ADMIN)), 415, "UNSUPPORTED_MEDIA_TYPE");
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/detect"))).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("image=abc")), key(Role.OPERATOR)), 415, "UNSUPPORTED_MEDIA_TYPE");
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/detect"))).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(BUSH_A))), key(Role.OPERATOR)), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void nonImagesAndHostileImages() {
        problem(s.postMultipart("/api/v1/detect", key(Role.OPERATOR), Map.of(), "this is not an image".getBytes(StandardCharsets.UTF_8)), 400,
                "BAD_IMAGE");
        problem(s.postImageJson("/api/v1/detect", key(Role.OPERATOR), Map.of(), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2}), 400,
                "BAD_IMAGE");
        var p = problem(s.postMultipart("/api/v1/detect", key(Role.OPERATOR), Map.of(), pngClaiming(30_000, 30_000)), 400, "BAD_IMAGE");
        assertTrue(p.get("detail").asText().toLowerCase().contains("pixel"), p.toString());
        problem(s.postJson("/api/v1/detect", key(Role.OPERATOR), "{\"image\":\"%%% not base64 %%%\"}"), 400, "MALFORMED_REQUEST");
        problem(s.postJson("/api/v1/detect", key(Role.OPERATOR), "{\"image\": 42}"), 400, "MALFORMED_REQUEST");
        problem(s.postJson("/api/v1/detect", key(Role.OPERATOR), "{}"), 400, "MALFORMED_REQUEST");
        problem(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", collection), blankPng()), 422, "NO_FACE");
    }

    @Test
    void oversizedBodies() {
        byte[] big = new byte[(int) MAX + 100_000];
        Arrays.fill(big, (byte) 'a');
        problem(s.postMultipart("/api/v1/detect", key(Role.OPERATOR), Map.of(), big), 413, "PAYLOAD_TOO_LARGE");
        problem(s.postImageJson("/api/v1/detect", key(Role.OPERATOR), Map.of(), big), 413, "PAYLOAD_TOO_LARGE");
        // chunked, without Content-Length: the limit is enforced while reading
        String json = "{\"name\":\"" + "x".repeat((int) MAX) + "\",\"purpose\":\"watchlist\"}";
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/collections"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))),
                key(Role.ADMIN)), 413, "PAYLOAD_TOO_LARGE");
        // chunked multipart: Jetty's multipart limits apply
        String boundary = "----chunked";
        ByteArrayOutputStream mp = new ByteArrayOutputStream();
        mp.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        mp.writeBytes(big);
        mp.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/detect"))).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(mp.toByteArray()))), key(Role.OPERATOR)), 413,
                "PAYLOAD_TOO_LARGE");
        // the server is still fine afterwards
        assertEquals(200, s.get("/api/v1/health", null).status());
    }

    @Test
    void unknownIdsRoutesAndMethods() {
        problem(s.get("/api/v1/collections/no-such-collection", key(Role.ADMIN)), 404, "NOT_FOUND");
        problem(s.get("/api/v1/subjects/no-such-subject", key(Role.ENROLLER)), 404, "NOT_FOUND");
        problem(s.delete("/api/v1/subjects/no-such-subject", key(Role.ENROLLER)), 404, "NOT_FOUND");
        problem(s.post("/api/v1/api-keys/no-such-key/revoke", key(Role.ADMIN)), 404, "NOT_FOUND");
        problem(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", "no-such-collection"), bytes(BUSH_A)), 404, "NOT_FOUND");
        problem(s.postMultipart("/api/v1/subjects/no-such-subject/faces", key(Role.ENROLLER), Map.of("collectionId", collection), bytes(BUSH_A)), 404,
                "NOT_FOUND");
        problem(s.get("/api/v1/nothing-here", key(Role.ADMIN)), 404, "NOT_FOUND");
        problem(s.get("/nothing", null), 404, "NOT_FOUND");
        problem(s.delete("/api/v1/health", null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void unauthenticatedRequestsAreRefusedBeforeTheBodyIsRead() {
        var p = problem(s.postJson("/api/v1/collections", null, "{not json"), 401, "UNAUTHENTICATED");
        assertTrue(s.get("/api/v1/collections", null).headers().firstValue("WWW-Authenticate").isPresent());
        problem(s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/collections"))).header("Authorization", "Basic dXNlcjpwdw==").GET(), null),
                401, "UNAUTHENTICATED");
        assertFalse(p.toString().contains("csk_"));
    }

    @Test
    void serverFailuresAreA500WithoutInternals(@TempDir Path dir) throws Exception {
        FaceEngine broken = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(TestPacks.home()).build());
        try (TestServer t = new TestServer(dir, ServerOptions.builder().optPort(0).build(), broken)) {
            broken.close(); // the engine's native sessions are gone: detection cannot run
            var r = t.postMultipart("/api/v1/detect", t.keys.get(Role.OPERATOR), Map.of(), bytes(BUSH_A));
            JsonNode p = problem(r, 500, "INTERNAL");
            assertTrue(p.get("detail").asText().contains(p.get("requestId").asText()), "the detail points to the log entry: " + p);
        }
    }

    /** A valid PNG signature and IHDR claiming {@code w × h} pixels, and no pixel data. */
    static byte[] pngClaiming(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    static byte[] blankPng() {
        try {
            BufferedImage img = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
