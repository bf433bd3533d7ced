package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.store.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.consentry.server.TestServer.BUSH_A;
import static io.consentry.server.TestServer.BUSH_B;
import static io.consentry.server.TestServer.bytes;
import static io.consentry.server.TestServer.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Watchlist search: authorisation required, hits are review candidates only, two different reviewers confirm. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchlistReviewTest {
    TestServer s;

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
    void watchlistHitsNeedTwoDifferentReviewers() {
        String list = s.createCollection("persons of interest", "watchlist");
        String subject = s.createSubject("Person of interest");
        check(s.postJson("/api/v1/subjects/" + subject + "/consents", key(Role.ENROLLER),
                Map.of("purposes", List.of("watchlist"), "basis", "legal-basis", "legalReference", "Court order 2025/17")), 201);
        check(s.postMultipart("/api/v1/subjects/" + subject + "/faces", key(Role.ENROLLER), Map.of("collectionId", list), bytes(BUSH_A)), 201);

        // no authorisation yet
        var refused = s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", list), bytes(BUSH_B));
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("AUTHORISATION_REQUIRED", refused.code());

        var auth = check(s.postJson("/api/v1/authorisations", key(Role.ADMIN), Map.of("issuer", "District court", "legalReference",
                "Order 2025/17", "collectionIds", List.of(list), "sources", List.of("gate-3"),
                "expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).toString())), 201).json();
        assertEquals(List.of("gate-3"), List.of(auth.get("sources").get(0).asText()));
        var wrongSource = s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", list, "source", "gate-9"), bytes(BUSH_B));
        assertEquals("AUTHORISATION_REQUIRED", wrongSource.code(), wrongSource.toString());

        JsonNode hit = check(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", list, "source", "gate-3"),
                bytes(BUSH_B)), 200).json();
        assertEquals("watchlist", hit.get("purpose").asText());
        assertEquals(1, hit.get("candidates").size(), hit.toString());
        JsonNode candidate = hit.get("candidates").get(0);
        assertEquals(subject, candidate.get("subjectId").asText());
        assertEquals("review-candidate", candidate.get("status").asText());
        assertFalse(candidate.get("match").asBoolean(), "a watchlist hit is never a match");
        String caseId = hit.get("reviewCaseId").asText();

        // verify is not offered on a watchlist
        var verify = s.postMultipart("/api/v1/verify", key(Role.OPERATOR), Map.of("collectionId", list, "subjectId", subject), bytes(BUSH_B));
        assertEquals(400, verify.status(), verify.toString());

        JsonNode pending = check(s.get("/api/v1/review-cases?status=pending", key(Role.REVIEWER)), 200).json();
        assertEquals(1, pending.size());
        assertEquals(caseId, pending.get(0).get("id").asText());
        assertEquals(2, pending.get(0).get("requiredConfirmations").asInt());

        String confirm = "{\"verdict\":\"confirm\",\"subjectId\":\"" + subject + "\"}";
        JsonNode first = check(s.postJson("/api/v1/review-cases/" + caseId + "/decisions", key(Role.REVIEWER), confirm), 200).json();
        assertEquals("pending", first.get("status").asText(), "one confirmation is not enough");
        assertFalse(first.has("confirmedSubjectId"));

        var twice = s.postJson("/api/v1/review-cases/" + caseId + "/decisions", key(Role.REVIEWER), confirm);
        assertEquals(409, twice.status(), "the same reviewer cannot confirm twice: " + twice);
        assertEquals("CONFLICT", twice.code());
        assertEquals("pending", check(s.get("/api/v1/review-cases/" + caseId, key(Role.REVIEWER)), 200).json().get("status").asText());

        var operatorTries = s.postJson("/api/v1/review-cases/" + caseId + "/decisions", key(Role.OPERATOR), confirm);
        assertEquals(403, operatorTries.status());

        JsonNode second = check(s.postJson("/api/v1/review-cases/" + caseId + "/decisions", s.reviewer2, confirm), 200).json();
        assertEquals("confirmed", second.get("status").asText());
        assertEquals(subject, second.get("confirmedSubjectId").asText());
        assertEquals(2, second.get("decisions").size());
        assertTrue(second.has("closedAt"));

        var verified = check(s.get("/api/v1/audit/verify", key(Role.AUDITOR)), 200).json();
        assertTrue(verified.get("intact").asBoolean(), verified.toString());
    }

    @Test
    void aRejectionClosesTheCase() {
        String list = s.createCollection("second list", "watchlist");
        String subject = s.createSubject("Another person");
        check(s.postJson("/api/v1/subjects/" + subject + "/consents", key(Role.ENROLLER),
                Map.of("purposes", List.of("watchlist"), "basis", "legal-basis", "legalReference", "Statute 12(3)")), 201);
        check(s.postMultipart("/api/v1/subjects/" + subject + "/faces", key(Role.ENROLLER), Map.of("collectionId", list), bytes(BUSH_A)), 201);
        check(s.postJson("/api/v1/authorisations", key(Role.ADMIN), Map.of("issuer", "DPO", "legalReference", "Statute 12(3)",
                "collectionIds", List.of(list), "expiresAt", Instant.now().plus(1, ChronoUnit.HOURS).toString())), 201);
        String caseId = check(s.postMultipart("/api/v1/identify", key(Role.OPERATOR), Map.of("collectionId", list), bytes(BUSH_B)), 200)
                .json().get("reviewCaseId").asText();
        JsonNode rejected = check(s.postJson("/api/v1/review-cases/" + caseId + "/decisions", s.reviewer2, "{\"verdict\":\"reject\"}"), 200).json();
        assertEquals("rejected", rejected.get("status").asText());
        var late = s.postJson("/api/v1/review-cases/" + caseId + "/decisions", key(Role.REVIEWER),
                "{\"verdict\":\"confirm\",\"subjectId\":\"" + subject + "\"}");
        assertEquals(409, late.status(), late.toString());
    }
}
