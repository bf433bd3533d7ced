package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.store.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document is served, parses, and lists exactly the routes of the table with their roles. */
class OpenApiTest {
    @Test
    void documentListsEveryRoute(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir)) {
            TestServer.Resp r = s.get("/api/v1/openapi.json", null);
            assertEquals(200, r.status(), r.toString());
            JsonNode doc = r.json();
            assertTrue(doc.get("openapi").asText().startsWith("3.0"));
            assertEquals(ConsentryServer.VERSION, doc.get("info").get("version").asText());
            JsonNode apiKey = doc.at("/components/securitySchemes/ApiKey");
            assertEquals("header", apiKey.get("in").asText());
            assertEquals("X-API-Key", apiKey.get("name").asText());

            int operations = 0;
            for (var paths = doc.get("paths").fields(); paths.hasNext(); ) {
                operations += paths.next().getValue().size();
            }
            assertEquals(s.server.routes().all().size(), operations, "one operation per route");
            Set<String> ids = new HashSet<>();
            for (Route route : s.server.routes().all()) {
                JsonNode op = doc.get("paths").path(route.path()).path(route.method().name().toLowerCase(Locale.ROOT));
                assertFalse(op.isMissingNode(), "missing " + route);
                assertEquals(route.operationId(), op.get("operationId").asText());
                assertTrue(ids.add(route.operationId()), "duplicate operationId " + route.operationId());
                Set<String> roles = new TreeSet<>();
                op.get("x-roles").forEach(n -> roles.add(n.asText()));
                Set<String> declared = new TreeSet<>();
                route.roles().forEach(x -> declared.add(x.wireName()));
                assertEquals(declared, roles, route.toString());
                if (route.access() == Route.Access.KEY) {
                    assertTrue(op.get("description").asText().startsWith("Roles: "), op.toString());
                    assertEquals(2, op.get("security").size());
                    assertTrue(op.get("responses").has("401") && op.get("responses").has("403"));
                }
                for (String p : route.pathParams()) {
                    assertTrue(op.get("parameters").toString().contains("\"name\":\"" + p + "\""), route + " documents {" + p + "}");
                }
                if (route.body() == Route.Body.IMAGE) {
                    JsonNode content = op.at("/requestBody/content");
                    assertEquals("binary", content.at("/multipart~1form-data/schema/properties/image/format").asText(), route.toString());
                    assertEquals("byte", content.at("/application~1json/schema/properties/image/format").asText(), route.toString());
                }
            }

            JsonNode schemas = doc.at("/components/schemas");
            for (String name : new String[] {"IdentifyResponse", "CandidateDto", "VerifyResponse", "DetectResponse", "EnrolmentResponse",
                    "CollectionRequest", "CollectionDto", "ConsentRequest", "ReviewCaseDto", "AuditPage", "Problem", "IssuedApiKeyResponse"}) {
                assertTrue(schemas.has(name), "schema " + name);
            }
            assertEquals("#/components/schemas/CandidateDto", schemas.at("/IdentifyResponse/properties/candidates/items/$ref").asText());
            assertEquals("[\"match\",\"no-match\",\"review-candidate\"]", schemas.at("/CandidateDto/properties/status/enum").toString());
            assertTrue(schemas.at("/CollectionRequest/required").toString().contains("purpose"));
            assertEquals("date-time", schemas.at("/CollectionDto/properties/createdAt/format").asText());
            JsonNode identify = doc.at("/paths/~1api~1v1~1identify/post");
            assertTrue(identify.at("/requestBody/content/multipart~1form-data/schema/required").toString().contains("collectionId"));
            assertTrue(identify.get("responses").has("429"));
            assertEquals("[\"operator\"]", identify.get("x-roles").toString());
            assertEquals(Set.of(Role.OPERATOR), s.server.routes().all().stream().filter(x -> x.operationId().equals("identify")).findFirst()
                    .orElseThrow().roles());
        }
    }
}
