package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.store.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.consentry.server.TestServer.BUSH_A;
import static io.consentry.server.TestServer.BUSH_B;
import static io.consentry.server.TestServer.ECKHART;
import static io.consentry.server.TestServer.SAMPLE_3_FACES;
import static io.consentry.server.TestServer.bytes;
import static io.consentry.server.TestServer.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main flow over HTTP against the real engine and a real SQLite gallery. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HappyPathTest {
    TestServer s;
    String doors;
    String bush;
    String eckhart;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        s = new TestServer(dir);
    }

    @AfterAll
    void stop() throws Exception {
        s.close();
    }

    String key(Role r) {
        return s.keys.get(r);
    }

    @Test
    @Order(1)
    void healthIsPublicAndNamesThePack() {
        JsonNode h = check(s.get("/api/v1/health", null), 200).json();
        assertEquals("ok", h.get("status").asText());
        assertEquals("faceapi-1.7.15", h.get("packId").asText());
        assertEquals(ConsentryServer.VERSION, h.get("version").asText());
    }

    @Test
    @Order(2)
    void detectFindsThreeFaces() {
        var r = check(s.postMultipart("/api/v1/detect", key(Role.OPERATOR), Map.of(), bytes(SAMPLE_3_FACES)), 200);
        JsonNode faces = r.json().get("faces");
        assertEquals(3, faces.size(), r.toString());
        for (JsonNode f : faces) {
            assertTrue(f.get("box").get("width").asDouble() > 10);
            assertTrue(f.get("score").asDouble() > 0.5 && f.get("score").asDouble() <= 1);
        }
        // the same through JSON + base64
        var j = check(s.postImageJson("/api/v1/detect", key(Role.OPERATOR), Map.of(), bytes(SAMPLE_3_FACES)), 200);
        assertEquals(3, j.json().get("count").asInt());
    }

    @Test
    @Order(3)
    void createCollectionSubjectConsentAndEnrol() {
        doors = s.createCollection("doors", "access-control");
        JsonNode col = check(s.get("/api/v1/collections/" + doors, key(Role.OPERATOR)), 200).json();
        assertEquals("access-control", col.get("purpose").asText());
        assertEquals(1095, col.get("retentionDays").asInt());
        bush = s.createSubject("George");
        eckhart = s.createSubject("Aaron");
        s.consent(bush, "access-control");
        s.consent(eckhart, "access-control");
        var e1 = check(s.postMultipart("/api/v1/subjects/" + bush + "/faces", key(Role.ENROLLER), Map.of("collectionId", doors), bytes(BUSH_A)), 201);
        assertEquals(bush, e1.json().get("subjectId").asText());
        assertTrue(e1.json().get("quality").asDouble() > 0);
        assertEquals(64, e1.json().get("imageSha256").asText().length());
        assertFalse(e1.body().contains("descriptor"), "no descriptor in the response");
        check(s.postImageJson("/api/v1/subjects/" + eckhart + "/faces", key(Role.ENROLLER), Map.of("collectionId", doors), bytes(ECKHART)), 201);
        // the same image twice for the same subject: conflict
        var dup = s.postMultipart("/api/v1/subjects/" + bush + "/faces", key(Role.ENROLLER), Map.of("collectionId", doors), bytes(BUSH_A));
        assertEquals(409, dup.status(), dup.toString());
        assertEquals("CONFLICT", dup.code());
    }

    @Test
    @Order(4)
    void enrolWithoutConsentIsRefused() {
        String nobody = s.createSubject("No consent");
        var r = s.postMultipart("/api/v1/subjects/" + nobody + "/faces", key(Role.ENROLLER), Map.of("collectionId", doors), bytes(BUSH_B));
        assertEquals(422, r.status(), r.toString());
        assertEquals("CONSENT_REQUIRED", r.code());
        assertEquals(ProblemMapper.PROBLEM_MEDIA, r.contentType());
    }

    @Test
    @Order(5)
    void enrolFromAGroupPhotoIsRefused() {
        var r = s.postMultipart("/api/v1/subjects/" + bush + "/faces", key(Role.ENROLLER), Map.of("collectionId", doors), bytes(SAMPLE_3_FACES));
        assertEquals(422, r.status(), r.toString());
        assertEquals("MULTIPLE_FACES", r.code());
    }

    @Test
    @Order(6)
    void identifyFindsTheEnrolledSubject() {
        var r = check(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", doors, "k", "2"), bytes(BUSH_B)), 200);
        JsonNode best = r.json().get("candidates").get(0);
        assertEquals(bush, best.get("subjectId").asText(), r.toString());
        assertEquals("match", best.get("status").asText());
        assertTrue(best.get("match").asBoolean());
        assertEquals(2, r.json().get("candidates").size());
        assertEquals("no-match", r.json().get("candidates").get(1).get("status").asText(), r.toString());
        assertFalse(r.json().has("reviewCaseId"));
        // JSON form, default k
        var j = check(s.postImageJson("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", doors), bytes(ECKHART)), 200);
        assertEquals(eckhart, j.json().get("candidates").get(0).get("subjectId").asText());
    }

    @Test
    @Order(7)
    void verifyMatchesTheSamePersonOnly() {
        var same = check(s.postMultipart("/api/v1/verify", key(Role.OPERATOR), Map.of("collectionId", doors, "subjectId", bush), bytes(BUSH_B)), 200);
        assertTrue(same.json().get("match").asBoolean(), same.toString());
        assertTrue(same.json().get("similarity").asDouble() >= same.json().get("threshold").asDouble());
        var other = check(s.postMultipart("/api/v1/verify", key(Role.OPERATOR), Map.of("collectionId", doors, "subjectId", bush), bytes(ECKHART)), 200);
        assertFalse(other.json().get("match").asBoolean(), other.toString());
    }

    @Test
    @Order(8)
    void consentsListAndWithdrawRemovesTemplates() {
        var list = check(s.get("/api/v1/subjects/" + eckhart + "/consents", key(Role.ENROLLER)), 200).json();
        assertEquals(1, list.size());
        String consentId = list.get(0).get("id").asText();
        var w = check(s.post("/api/v1/consents/" + consentId + "/withdraw", key(Role.ENROLLER)), 200).json();
        assertTrue(w.get("consent").has("withdrawnAt"));
        assertEquals(1, w.get("removedTemplates").size());
        var again = s.post("/api/v1/consents/" + consentId + "/withdraw", key(Role.ENROLLER));
        assertEquals(409, again.status(), again.toString());
        var r = check(s.postImageJson("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", doors, "k", 5), bytes(ECKHART)), 200);
        for (JsonNode c : r.json().get("candidates")) {
            assertFalse(c.get("subjectId").asText().equals(eckhart), "withdrawn subject still searchable: " + r);
        }
    }

    @Test
    @Order(9)
    void eraseRemovesTheSubject() {
        var r = check(s.delete("/api/v1/subjects/" + bush, key(Role.ENROLLER)), 200).json();
        assertEquals(bush, r.get("subjectId").asText());
        assertEquals(1, r.get("removedTemplates").size());
        assertEquals(404, s.get("/api/v1/subjects/" + bush, key(Role.ENROLLER)).status());
        var v = s.postMultipart("/api/v1/verify", key(Role.OPERATOR), Map.of("collectionId", doors, "subjectId", bush), bytes(BUSH_B));
        assertEquals(404, v.status(), v.toString());
        assertEquals("NOT_FOUND", v.code());
    }

    @Test
    @Order(10)
    void auditChainVerifiesAndExports() {
        var v = check(s.get("/api/v1/audit/verify", key(Role.AUDITOR)), 200).json();
        assertTrue(v.get("intact").asBoolean(), v.toString());
        assertTrue(v.get("recordsChecked").asLong() > 10);
        var page = check(s.get("/api/v1/audit?limit=5", key(Role.AUDITOR)), 200).json();
        assertEquals(5, page.get("records").size());
        assertEquals(6, page.get("nextFromSeq").asLong());
        var export = check(s.get("/api/v1/audit/export", key(Role.AUDITOR)), 200);
        assertTrue(export.contentType().startsWith("application/x-ndjson"), export.contentType());
        String[] lines = export.body().strip().split("\n");
        assertTrue(lines.length > 10);
        boolean sawIdentify = false;
        for (String line : lines) {
            JsonNode rec = new TestServer.Resp(200, "", line, null).json();
            sawIdentify |= rec.toString().contains("identify");
        }
        assertTrue(sawIdentify, "identify operations are audited");
        var again = check(s.get("/api/v1/audit/verify", key(Role.AUDITOR)), 200).json();
        assertTrue(again.get("intact").asBoolean());
    }

    @Test
    @Order(11)
    void apiKeysAreCreatedListedAndRevoked() {
        var created = check(s.postJson("/api/v1/api-keys", key(Role.ADMIN), Map.of("name", "door 7", "role", "operator")), 201).json();
        String secret = created.get("secret").asText();
        String id = created.get("key").get("id").asText();
        assertEquals(200, s.postMultipart("/api/v1/detect", secret, Map.of(), bytes(BUSH_B)).status());
        var bearer = s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url("/api/v1/collections")))
                .header("Authorization", "Bearer " + secret).GET(), null);
        assertEquals(200, bearer.status(), bearer.toString());
        var list = check(s.get("/api/v1/api-keys", key(Role.ADMIN)), 200);
        assertTrue(list.body().contains(id));
        assertFalse(list.body().contains(secret), "secrets are never listed");
        check(s.post("/api/v1/api-keys/" + id + "/revoke", key(Role.ADMIN)), 200);
        var revoked = s.postMultipart("/api/v1/detect", secret, Map.of(), bytes(BUSH_B));
        assertEquals(401, revoked.status());
        assertEquals("UNAUTHENTICATED", revoked.code());
        // failed logins are audited (without the secret)
        var export = check(s.get("/api/v1/audit/export", key(Role.AUDITOR)), 200).body();
        assertTrue(export.contains("login-failed"), "failed login audited");
        assertFalse(export.contains(secret), "the secret never reaches the audit log");
    }
}
