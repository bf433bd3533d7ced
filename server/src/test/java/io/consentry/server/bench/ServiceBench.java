package io.consentry.server.bench;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.governance.ImageInput;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.server.ConsentryServer;
import io.consentry.server.ServerOptions;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConsentSpec;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.SubjectSpec;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.testing.TestPacks;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * HTTP overhead of the REST server: 1:N identify of a one-face LFW photo, {@code N} sequential requests after a
 * warm-up, through {@code POST /api/v1/identify} (multipart, and JSON with base64) versus the direct
 * {@link GalleryService#identify} call on the same bytes (and, for reference, the engine alone). The variants run
 * interleaved request by request so that drift (JIT, caches, other load) hits them alike. Prints requests/s and the
 * overhead over the library call (target ≤ 10 %).
 *
 * <pre>
 * cd /work/main && mvn -q -o install -DskipTests -pl core,store -am && mvn -q -o test-compile -pl server \
 *   && mvn -q -o dependency:build-classpath -pl server -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/consentry-cp.txt \
 *   && java --add-modules jdk.incubator.vector -Dconsentry.shared=/work/shared -Dconsentry.testHome=/work/main/target/test-home \
 *        -cp server/target/test-classes:server/target/classes:$(cat /tmp/consentry-cp.txt) io.consentry.server.bench.ServiceBench 200
 * </pre>
 * Arguments: {@code [N requests per variant, default 200] [warm-up, default 30] [gallery subjects, default 50]}.
 * The server's access log is on (INFO to stderr), as in production; {@code -Dorg.slf4j.simpleLogger.log.io.consentry.server.access=warn}
 * turns it off.
 */
public final class ServiceBench {
    private static final String PROBE = "datasets/lfw/George_W_Bush/George_W_Bush_0016.jpg";

    private ServiceBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int gallerySize = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Path dir = Files.createTempDirectory("consentry-bench");
        try (FaceEngine engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(TestPacks.home()).build());
             GalleryService gallery = new GalleryService(SqliteGalleryStore.open(dir.resolve("gallery.db"), DeploymentKeys.generateInMemory()),
                     engine, GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build())) {
            String secret = gallery.bootstrapAdmin("bench admin").secret();
            Actor admin = gallery.authenticate(secret, "bench");
            String operatorKey = gallery.createApiKey(admin, "bench operator", Role.OPERATOR).secret();
            String enrollerKey = gallery.createApiKey(admin, "bench enroller", Role.ENROLLER).secret();
            Actor operator = gallery.authenticate(operatorKey, "bench");
            Actor enroller = gallery.authenticate(enrollerKey, "bench");
            String collection = gallery.createCollection(admin, CollectionSpec.of("bench", Purpose.ACCESS_CONTROL, 0.92)).id();
            int enrolled = enrolLfw(gallery, enroller, collection, gallerySize);
            byte[] probe = Files.readAllBytes(TestPacks.shared().resolve(PROBE));

            try (ConsentryServer server = ConsentryServer.start(gallery, engine, ServerOptions.builder().optPort(0).build())) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/identify");
                String boundary = "----consentrybench";
                byte[] multipart = multipart(boundary, collection, probe);
                byte[] json = ("{\"collectionId\":\"" + collection + "\",\"k\":5,\"image\":\"" + Base64.getEncoder().encodeToString(probe) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                HttpRequest multipartReq = HttpRequest.newBuilder(uri).header("X-API-Key", operatorKey)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofByteArray(multipart)).build();
                HttpRequest jsonReq = HttpRequest.newBuilder(uri).header("X-API-Key", operatorKey).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();

                Callable<Object> direct = () -> gallery.identify(operator, collection, ImageInput.encoded(probe, "probe"), 5, Optional.empty());
                Callable<Object> viaMultipart = () -> send(http, multipartReq);
                Callable<Object> viaJson = () -> send(http, jsonReq);
                Callable<Object> engineOnly = () -> {
                    RgbImage img = ImageDecoder.decode(probe, "probe", engine.options().imageLimits());
                    List<Face> faces = engine.detect(img);
                    return engine.embed(img, faces.get(0));
                };
                List<Callable<Object>> variants = List.of(direct, viaMultipart, viaJson, engineOnly);
                String[] names = {"GalleryService.identify (direct)", "POST /api/v1/identify multipart", "POST /api/v1/identify JSON base64",
                        "(engine decode+detect+embed only)"};

                for (Callable<Object> v : variants) {
                    for (int i = 0; i < warmup; i++) {
                        v.call();
                    }
                }
                // interleaved request by request, so that drift and background load hit every variant alike
                long[][] nanos = new long[variants.size()][n];
                for (int i = 0; i < n; i++) {
                    for (int v = 0; v < variants.size(); v++) {
                        long t0 = System.nanoTime();
                        variants.get(v).call();
                        nanos[v][i] = System.nanoTime() - t0;
                    }
                }
                System.out.printf(Locale.ROOT, "%nidentify, 1 face (%s, %d bytes), gallery of %d templates, %d sequential requests per variant after %d warm-up, %d cores%n",
                        PROBE.substring(PROBE.lastIndexOf('/') + 1), probe.length, enrolled, n, warmup, Runtime.getRuntime().availableProcessors());
                System.out.printf(Locale.ROOT, "%-36s %9s %9s %9s %8s %14s %14s%n", "variant", "mean ms", "p50 ms", "p95 ms", "req/s",
                        "overhead(mean)", "overhead(p50)");
                double base = mean(nanos[0]);
                double baseP50 = pct(nanos[0], 50);
                for (int v = 0; v < variants.size(); v++) {
                    double m = mean(nanos[v]);
                    double p50 = pct(nanos[v], 50);
                    System.out.printf(Locale.ROOT, "%-36s %9.2f %9.2f %9.2f %8.1f %14s %14s%n", names[v], m / 1e6, p50 / 1e6,
                            pct(nanos[v], 95) / 1e6, 1e9 / m, v == 0 ? "-" : String.format(Locale.ROOT, "%+.1f %%", 100 * (m - base) / base),
                            v == 0 ? "-" : String.format(Locale.ROOT, "%+.1f %%", 100 * (p50 - baseP50) / baseP50));
                }
                System.out.println("overhead = (variant - direct) / direct; the HTTP rows add auth (key lookup), parsing, the gate, JSON and the access log");
                System.out.println();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Object send(HttpClient http, HttpRequest req) throws Exception {
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    /** Enrols the first photo of up to {@code max} LFW people (one consent each); returns how many were enrolled. */
    private static int enrolLfw(GalleryService gallery, Actor enroller, String collection, int max) throws Exception {
        int count = 0;
        try (var people = Files.list(TestPacks.shared().resolve("datasets/lfw"))) {
            for (Path person : people.sorted().toList()) {
                if (count >= max) {
                    break;
                }
                Path first;
                try (var photos = Files.list(person)) {
                    first = photos.sorted().findFirst().orElse(null);
                }
                if (first == null || first.toString().endsWith("_0016.jpg")) {
                    continue;
                }
                String subject = gallery.createSubject(enroller, SubjectSpec.of(person.getFileName().toString())).id();
                gallery.recordConsent(enroller, ConsentSpec.inApp(subject, Set.of(Purpose.ACCESS_CONTROL), Instant.now(), Optional.empty(), Optional.empty()));
                try {
                    gallery.enrol(enroller, subject, collection, ImageInput.encoded(Files.readAllBytes(first), first.getFileName().toString()));
                    count++;
                } catch (Exception e) {
                    // no face or several faces: skip this person
                }
            }
        }
        return count;
    }

    private static byte[] multipart(String boundary, String collection, byte[] image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"collectionId\"\r\n\r\n" + collection + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\n5\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"probe.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(image);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static double mean(long[] a) {
        return Arrays.stream(a).average().orElse(0);
    }

    private static double pct(long[] a, int p) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
