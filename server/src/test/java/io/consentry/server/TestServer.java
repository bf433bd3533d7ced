package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.store.IssuedApiKey;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.testing.TestPacks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real server for tests: the real engine (shared by all tests of the JVM, opened once), a real SQLite gallery in
 * {@code dir}, a random free port on 127.0.0.1, and one API key per role (plus a second reviewer).
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static FaceEngine engine;

    final GalleryService gallery;
    final ConsentryServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    final Map<Role, String> keys = new EnumMap<>(Role.class);
    final String reviewer2;

    TestServer(Path dir) throws Exception {
        this(dir, ServerOptions.builder().optPort(0).build());
    }

    TestServer(Path dir, ServerOptions options) throws Exception {
        this(dir, options, engine());
    }

    TestServer(Path dir, ServerOptions options, FaceEngine engine) throws Exception {
        SqliteGalleryStore store = SqliteGalleryStore.open(dir.resolve(SqliteGalleryStore.DEFAULT_FILE_NAME), DeploymentKeys.generateInMemory());
        gallery = new GalleryService(store, engine, GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build());
        IssuedApiKey admin = gallery.bootstrapAdmin("test admin");
        keys.put(Role.ADMIN, admin.secret());
        var adminActor = gallery.authenticate(admin.secret(), "test");
        for (Role r : Role.values()) {
            if (r != Role.ADMIN) {
                keys.put(r, gallery.createApiKey(adminActor, "test " + r.wireName(), r).secret());
            }
        }
        reviewer2 = gallery.createApiKey(adminActor, "second reviewer", Role.REVIEWER).secret();
        server = ConsentryServer.start(gallery, engine, options);
    }

    /** The shared engine: the default pack installed into the build's test home. */
    static synchronized FaceEngine engine() throws Exception {
        if (engine == null) {
            engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(TestPacks.home()).build());
            FaceEngine e = engine;
            Runtime.getRuntime().addShutdownHook(new Thread(e::close));
        }
        return engine;
    }

    static Path image(String relative) {
        return TestPacks.shared().resolve(relative);
    }

    static final String SAMPLE_3_FACES = "reference/faceapi/images/sample1.jpg";
    static final String BUSH_A = "datasets/lfw/George_W_Bush/George_W_Bush_0007.jpg";
    static final String BUSH_B = "datasets/lfw/George_W_Bush/George_W_Bush_0016.jpg";
    static final String ECKHART = "datasets/lfw/Aaron_Eckhart/Aaron_Eckhart_0001.jpg";

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Requests

    record Resp(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String code() {
            return json().path("code").asText();
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 400 ? body.substring(0, 400) + "…" : body);
        }
    }

    Resp send(HttpRequest.Builder b, String key) {
        if (key != null) {
            b.header("X-API-Key", key);
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Resp get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), key);
    }

    Resp delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE(), key);
    }

    Resp post(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.noBody()), key);
    }

    Resp postJson(String path, String key, Object body) {
        return sendJson("POST", path, key, body);
    }

    Resp sendJson(String method, String path, String key, Object body) {
        String text;
        try {
            text = body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(text)), key);
    }

    /** multipart/form-data with a file part {@code image} and text parts. */
    Resp postMultipart(String path, String key, Map<String, String> fields, byte[] image) {
        String boundary = "----consentry" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Map.Entry<String, String> f : fields.entrySet()) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"probe.jpg\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(image);
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())), key);
    }

    /** JSON with the image base64-encoded in {@code "image"}. */
    Resp postImageJson(String path, String key, Map<String, Object> fields, byte[] image) {
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("image", Base64.getEncoder().encodeToString(image));
        return postJson(path, key, body);
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(image(relative));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fixtures through the API

    /**
     * Match threshold of test collections: a little stricter than the engine's default, for a clear margin on the
     * photos used here (George W Bush 0007 vs 0016 ≈ 0.97; Aaron Eckhart vs Bush ≈ 0.86; some other LFW people reach
     * ≈ 0.91 against Bush).
     */
    static final double THRESHOLD = 0.92;

    String createCollection(String name, String purpose) {
        Resp r = postJson("/api/v1/collections", keys.get(Role.ADMIN), Map.of("name", name, "purpose", purpose, "matchThreshold", THRESHOLD));
        check(r, 201);
        return r.json().get("id").asText();
    }

    String createSubject(String name) {
        Resp r = postJson("/api/v1/subjects", keys.get(Role.ENROLLER), Map.of("displayName", name));
        check(r, 201);
        return r.json().get("id").asText();
    }

    String consent(String subjectId, String purpose) {
        Resp r = postJson("/api/v1/subjects/" + subjectId + "/consents", keys.get(Role.ENROLLER),
                Map.of("purposes", java.util.List.of(purpose), "basis", "in-app"));
        check(r, 201);
        return r.json().get("id").asText();
    }

    static Resp check(Resp r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + ", got " + r);
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        server.close();
        gallery.close();
    }
}
