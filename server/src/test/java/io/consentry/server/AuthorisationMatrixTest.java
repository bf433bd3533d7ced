package io.consentry.server;

import io.consentry.store.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every route of the table × every role (and no key): the expected outcome is derived from the route's declared
 * roles, and a few critical rows are also hard-coded so that the test cannot pass vacuously (for instance if the
 * table granted a route to everyone).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorisationMatrixTest {
    TestServer s;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        s = new TestServer(dir);
    }

    @AfterAll
    void stop() throws Exception {
        s.close();
    }

    /** A request to {@code route} with placeholder ids and an (invalid) empty JSON body. */
    TestServer.Resp call(Route route, String key) {
        String path = route.path().replaceAll("\\{[^}]+}", "no-such-id");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url(path)));
        if (route.body() == Route.Body.NONE) {
            b.method(route.method().name(), HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(route.method().name(), HttpRequest.BodyPublishers.ofString("{}"));
        }
        return s.send(b, key);
    }

    Route route(String operationId) {
        return s.server.routes().all().stream().filter(r -> r.operationId().equals(operationId)).findFirst().orElseThrow();
    }

    @Test
    void everyRouteTimesEveryRole() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Route route : s.server.routes().all()) {
            // no key
            TestServer.Resp anon = call(route, null);
            int expectedAnon = route.access() == Route.Access.KEY ? 401 : 200;
            if (anon.status() != expectedAnon) {
                failures.add(route + " without key: expected " + expectedAnon + ", got " + anon);
            }
            checked++;
            for (Role role : Role.values()) {
                TestServer.Resp r = call(route, s.keys.get(role));
                checked++;
                if (route.access() == Route.Access.PUBLIC || route.allows(role)) {
                    if (r.status() == 401 || r.status() == 403 || r.status() >= 500) {
                        failures.add(route + " as " + role + ": expected access, got " + r);
                    }
                } else if (r.status() != 403 || !r.code().equals("FORBIDDEN")) {
                    failures.add(route + " as " + role + ": expected 403 FORBIDDEN, got " + r);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(checked >= 6 * 30, "checked " + checked);
    }

    @Test
    void criticalRowsAreHardCoded() {
        // the declared roles themselves
        assertEquals(Set.of(Role.ENROLLER), route("enrol").roles());
        assertEquals(Set.of(Role.AUDITOR), route("readAudit").roles());
        assertEquals(Set.of(Role.AUDITOR), route("exportAudit").roles());
        assertEquals(Set.of(Role.OPERATOR), route("identify").roles());
        assertEquals(Set.of(Role.REVIEWER), route("decideReviewCase").roles());
        assertEquals(Set.of(Role.ADMIN), route("createApiKey").roles());
        assertEquals(Set.of(Role.ENROLLER), route("eraseSubject").roles());
        assertEquals(Route.Access.PUBLIC, route("health").access());

        // and what the server answers
        String subjectFaces = "/api/v1/subjects/no-such-id/faces";
        var operatorEnrols = s.postJson(subjectFaces, s.keys.get(Role.OPERATOR), "{}");
        assertEquals(403, operatorEnrols.status(), operatorEnrols.toString());
        assertEquals("FORBIDDEN", operatorEnrols.code());
        assertEquals(403, s.get("/api/v1/audit", s.keys.get(Role.ENROLLER)).status());
        assertEquals(403, s.get("/api/v1/audit/export", s.keys.get(Role.OPERATOR)).status());
        assertEquals(403, s.postJson("/api/v1/identify", s.keys.get(Role.AUDITOR), "{}").status());
        assertEquals(403, s.postJson("/api/v1/api-keys", s.keys.get(Role.ENROLLER), "{\"name\":\"x\",\"role\":\"admin\"}").status());
        assertEquals(401, s.get("/api/v1/collections", null).status());
        assertEquals(401, s.get("/api/v1/collections", "csk_0000000000000000_notarealkey").status());
        for (Role r : EnumSet.complementOf(EnumSet.of(Role.REVIEWER))) {
            var d = s.postJson("/api/v1/review-cases/no-such-id/decisions", s.keys.get(r), "{\"verdict\":\"confirm\",\"subjectId\":\"x\"}");
            assertEquals(403, d.status(), r + " deciding: " + d);
        }
        var reviewer = s.postJson("/api/v1/review-cases/no-such-id/decisions", s.keys.get(Role.REVIEWER),
                "{\"verdict\":\"confirm\",\"subjectId\":\"x\"}");
        assertEquals(404, reviewer.status(), reviewer.toString());
        // the enroller passes the role check for enrolment (and fails later, on the missing image)
        var enrollerEnrols = s.postJson(subjectFaces, s.keys.get(Role.ENROLLER), "{}");
        assertEquals(400, enrollerEnrols.status(), enrollerEnrols.toString());
    }

    @Test
    void deniedAttemptsAreAudited() {
        s.postJson("/api/v1/identify", s.keys.get(Role.AUDITOR), "{}");
        String export = s.get("/api/v1/audit/export", s.keys.get(Role.AUDITOR)).body();
        assertTrue(export.contains("may not call POST /api/v1/identify"), "HTTP-level denial audited");
        assertTrue(export.contains("\"denied\""), export.substring(0, Math.min(2000, export.length())));
    }
}
