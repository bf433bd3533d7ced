package io.consentry.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.server.ConsentryServer;
import io.consentry.server.ServerOptions;
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
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real server for the console tests: the real engine and model pack, a real SQLite gallery in a temporary folder,
 * a free port on 127.0.0.1, one API key per role plus a second reviewer, and a small HTTP client for setting up data
 * the browser tests do not exercise themselves.
 */
final class ConsoleServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static FaceEngine engine;

    final GalleryService gallery;
    final ConsentryServer server;
    final Map<Role, String> keys = new EnumMap<>(Role.class);
    final String reviewer2;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    ConsoleServer(Path dir) throws Exception {
        SqliteGalleryStore store = SqliteGalleryStore.open(dir.resolve(SqliteGalleryStore.DEFAULT_FILE_NAME), DeploymentKeys.generateInMemory());
        gallery = new GalleryService(store, engine(), GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build());
        IssuedApiKey admin = gallery.bootstrapAdmin("Ada Admin");
        keys.put(Role.ADMIN, admin.secret());
        var adminActor = gallery.authenticate(admin.secret(), "test");
        Map<Role, String> names = Map.of(Role.ENROLLER, "Erin Enroller", Role.OPERATOR, "Otto Operator", Role.REVIEWER, "Rita Reviewer",
                Role.AUDITOR, "Aude Auditor");
        for (Role r : Role.values()) {
            if (r != Role.ADMIN) {
                keys.put(r, gallery.createApiKey(adminActor, names.get(r), r).secret());
            }
        }
        reviewer2 = gallery.createApiKey(adminActor, "Ravi Reviewer", Role.REVIEWER).secret();
        server = ConsentryServer.start(gallery, engine(), ServerOptions.builder().optPort(0).build());
    }

    static synchronized FaceEngine engine() throws Exception {
        if (engine == null) {
            engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(TestPacks.home()).build());
            FaceEngine e = engine;
            Runtime.getRuntime().addShutdownHook(new Thread(e::close));
        }
        return engine;
    }

    /** A file of the read-only shared data beside the checkout (never copied into the repository). */
    static Path shared(String relative) {
        return TestPacks.shared().resolve(relative);
    }

    static final String BUSH_A = "datasets/lfw/George_W_Bush/George_W_Bush_0007.jpg";
    static final String BUSH_B = "datasets/lfw/George_W_Bush/George_W_Bush_0016.jpg";
    static final String BUSH_C = "datasets/lfw/George_W_Bush/George_W_Bush_0065.jpg";
    static final String ECKHART = "datasets/lfw/Aaron_Eckhart/Aaron_Eckhart_0001.jpg";
    static final String GROUP = "reference/faceapi/images/sample1.jpg";

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    record Resp(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    Resp send(HttpRequest.Builder b, String key) {
        if (key != null) {
            b.header("X-API-Key", key);
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
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

    Resp post(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.noBody()), key);
    }

    Resp postJson(String path, String key, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), key);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Resp postImage(String path, String key, Map<String, String> fields, Path image) throws IOException {
        String boundary = "----console" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(Files.readAllBytes(image));
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())), key);
    }

    static Resp check(Resp r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + ", got " + r.status() + " " + r.body());
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        server.close();
        gallery.close();
    }
}
