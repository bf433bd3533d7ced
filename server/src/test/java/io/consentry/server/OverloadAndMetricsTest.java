package io.consentry.server;

import io.consentry.store.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.consentry.server.TestServer.SAMPLE_3_FACES;
import static io.consentry.server.TestServer.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpressure (429 when the inference queue is full, 503 past the time limit) and the Prometheus endpoint. All
 * traffic goes to 127.0.0.1, bounded in count and time.
 */
class OverloadAndMetricsTest {
    static final int CONCURRENT = 6;

    @Test
    void fullQueueAnswers429WithRetryAfter(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir, ServerOptions.builder().optPort(0).optInferencePermits(1).optInferenceQueue(0).build())) {
            byte[] img = bytes(SAMPLE_3_FACES);
            List<CompletableFuture<TestServer.Resp>> calls = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < CONCURRENT; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return s.postMultipart("/api/v1/detect", s.keys.get(Role.OPERATOR), Map.of(), img);
                }, clients));
            }
            go.countDown();
            clients.shutdown();
            int ok = 0;
            int overloaded = 0;
            for (CompletableFuture<TestServer.Resp> c : calls) {
                TestServer.Resp r = c.get(120, TimeUnit.SECONDS);
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertEquals(429, r.status(), r.toString());
                    assertEquals("OVERLOADED", r.code());
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""), "Retry-After");
                    overloaded++;
                }
            }
            assertTrue(ok >= 1, "at least one request ran");
            assertTrue(overloaded >= 1, "at least one request was refused: " + ok + " ok");
            // the gate is free again afterwards
            assertEquals(200, s.postMultipart("/api/v1/detect", s.keys.get(Role.OPERATOR), Map.of(), img).status());

            // the request log (and metrics) of a request completes just after its response: poll briefly
            String expected = "consentry_http_requests_total{method=\"POST\",route=\"/api/v1/detect\",status=\"200\"} " + (ok + 1);
            TestServer.Resp m = s.get("/metrics", null);
            for (int i = 0; i < 50 && !m.body().contains(expected); i++) {
                Thread.sleep(20);
                m = s.get("/metrics", null);
            }
            assertEquals(200, m.status(), m.toString());
            assertTrue(m.contentType().startsWith("text/plain"), m.contentType());
            String text = m.body();
            assertTrue(text.contains("consentry_http_requests_total{method=\"POST\",route=\"/api/v1/detect\",status=\"429\"} " + overloaded), text);
            assertTrue(text.contains("consentry_http_requests_total{method=\"POST\",route=\"/api/v1/detect\",status=\"200\"} " + (ok + 1)), text);
            assertTrue(text.contains("consentry_inference_rejected_total " + overloaded), text);
            assertTrue(text.contains("# TYPE consentry_http_request_duration_seconds histogram"), text);
            assertTrue(text.contains("consentry_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/detect\",le=\"+Inf\"} "), text);
            assertTrue(text.matches("(?s).*\\nconsentry_http_requests_in_flight [1-9]\\n.*"), "the scrape itself is in flight: " + text);
            assertTrue(text.contains("consentry_inference_permits 1"), text);
            assertTrue(text.contains("consentry_gallery_collections 0"), text);
            for (String line : text.split("\n")) {
                assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*})? [0-9.eE+-]+"), "exposition line: " + line);
            }
            // a presented key is checked even from loopback; admin and auditor may scrape
            assertEquals(403, s.get("/metrics", s.keys.get(Role.OPERATOR)).status());
            assertEquals(200, s.get("/metrics", s.keys.get(Role.AUDITOR)).status());
            assertEquals(401, s.get("/metrics", "csk_0000000000000000_wrong").status());
        }
    }

    @Test
    void slowRequestsAnswer503(@TempDir Path dir) throws Exception {
        ServerOptions o = ServerOptions.builder().optPort(0).optInferencePermits(1).optInferenceQueue(2).optRequestTimeout(Duration.ofMillis(20)).build();
        try (TestServer s = new TestServer(dir, o)) {
            TestServer.Resp r = s.postMultipart("/api/v1/detect", s.keys.get(Role.OPERATOR), Map.of(), bytes(SAMPLE_3_FACES));
            assertEquals(503, r.status(), r.toString());
            assertEquals("TIMEOUT", r.code());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertTrue(s.get("/metrics", null).body().contains("consentry_inference_timeouts_total 1"));
        }
    }

    @Test
    void metricsNeedAKeyOfAdminOrAuditorFromElsewhere() {
        Route metrics = new Routes(null, null, () -> "").all().stream().filter(r -> r.path().equals("/metrics")).findFirst().orElseThrow();
        assertEquals(Route.Access.LOOPBACK_OR_KEY, metrics.access());
        assertEquals(java.util.Set.of(Role.ADMIN, Role.AUDITOR), metrics.roles());
        assertEquals(ServerOptions.DEFAULT_BIND, ServerOptions.defaults().bindAddress());
    }

    @Test
    void requestIdsAreReturned(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir)) {
            var r = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/v1/health"))).GET(), null);
            assertTrue(r.headers().firstValue("X-Request-Id").orElse("").matches("[0-9a-f]{16}"));
        }
    }
}
