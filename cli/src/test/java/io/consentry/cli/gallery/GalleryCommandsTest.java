package io.consentry.cli.gallery;

import com.fasterxml.jackson.databind.JsonNode;
import io.consentry.cli.gallery.GalleryCli.Result;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static io.consentry.cli.gallery.GalleryCli.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gallery commands end to end, in-process through {@code ConsentryCli.run}, with the real face-api.js pack and
 * LFW photos, each test in its own {@code --home}: collection, subject, consent, enrolment, identify/verify, refusal
 * without consent, key rotation and rekey, erasure, audit verify/export (and tamper detection); watchlist
 * authorisation and two-reviewer confirmation; role refusal. Collections use threshold 0.92: on these photos the
 * pack's default 0.82 calls different people matches.
 */
class GalleryCommandsTest {
    static final String THRESHOLD = "0.92";
    /** A JSON array of 8 or more plain numbers: what a leaked descriptor would look like. */
    static final Pattern FLOAT_ARRAY = Pattern.compile("\\[\\s*-?\\d+(\\.\\d+)?([eE]-?\\d+)?(\\s*,\\s*-?\\d+(\\.\\d+)?([eE]-?\\d+)?){7,}\\s*]");

    static Path pack;
    static List<Path> bush;
    static List<Path> powell;

    @TempDir
    Path home;
    @TempDir
    Path work;
    GalleryCli cli;

    @BeforeAll
    static void setUp() throws Exception {
        if (!GalleryCli.registered()) {
            return; // each test is skipped, see cli()
        }
        pack = TestPacks.faceApi().dir();
        bush = GalleryCli.lfw(TestPacks.shared(), "George_W_Bush");
        powell = GalleryCli.lfw(TestPacks.shared(), "Colin_Powell");
        assertTrue(bush.size() >= 3 && !powell.isEmpty(), "LFW photos missing under " + TestPacks.shared());
    }

    @BeforeEach
    void cli() {
        Assumptions.assumeTrue(GalleryCli.registered(), "the io.consentry.cli.gallery commands are not registered in ConsentryCli yet");
        cli = new GalleryCli(home, pack);
    }

    String id(Result r) {
        return r.json().get("id").asText();
    }

    JsonNode identify(Path image) {
        return cli.ok("identify", "--collection", "doors", image.toString(), "--json").json();
    }

    @Test
    void consentEnrolIdentifyRotateEraseAndAudit() throws Exception {
        Result col = cli.ok("collections", "create", "doors", "--purpose", "access-control", "--threshold", THRESHOLD, "--json");
        assertEquals("access-control", col.json().get("purpose").asText());
        assertEquals(0.92, col.json().get("threshold").asDouble(), 1e-9);
        String subject = id(cli.ok("subjects", "create", "--name", "George W Bush", "--external-id", "emp-0001", "--json"));

        // consent: a signed form, of which only the SHA-256 is kept
        Path form = Files.writeString(work.resolve("consent-form.pdf"), "signed consent form of George W Bush");
        JsonNode consent = cli.ok("consents", "record", "--subject", subject, "--purpose", "access-control", "--basis", "signed-form",
                "--evidence", form.toString(), "--expires", "P1Y", "--json").json();
        String formHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(form)));
        assertEquals(formHash, consent.get("evidenceSha256").asText());
        assertTrue(consent.get("validNow").asBoolean());

        // enrol two photos (one batch), identify a third: match; another person: no match
        JsonNode enrolled = cli.ok("enrol", "--subject", subject, "--collection", "doors", bush.get(0).toString(), bush.get(1).toString(),
                "--json").json();
        assertEquals(2, enrolled.size());
        enrolled.forEach(e -> assertTrue(e.get("ok").asBoolean(), e.toString()));
        JsonNode hit = identify(bush.get(2));
        assertEquals(subject, hit.get("match").asText(), hit.toString());
        double similarity = hit.get("candidates").get(0).get("similarity").asDouble();
        assertTrue(similarity >= 0.92, hit.toString());
        JsonNode miss = identify(powell.get(0));
        assertTrue(miss.get("match").isNull(), miss.toString());
        assertEquals("no-match", miss.get("candidates").get(0).get("status").asText());
        Result text = cli.ok("verify", "--subject", subject, "--collection", "doors", bush.get(2).toString());
        assertTrue(text.out().startsWith("match: similarity"), text::toString);

        // no consent: refused before any face processing, one line, exit 5
        String other = id(cli.ok("subjects", "create", "--name", "Colin Powell", "--json"));
        String refusal = assertOneLineError(cli.run("enrol", "--subject", other, "--collection", "doors", powell.get(0).toString()),
                GalleryExitCodes.REFUSED);
        assertTrue(refusal.contains("no valid consent") && refusal.contains("[consent-required]"), refusal);

        // key rotation (new AES key) and rekey (new transform too) keep search working with the same similarity
        JsonNode rotated = cli.ok("keys", "rotate", "--json").json();
        assertNotEquals(rotated.get("previousKeyId").asText(), rotated.get("keyId").asText());
        assertEquals(similarity, identify(bush.get(2)).get("candidates").get(0).get("similarity").asDouble(), 1e-5);
        cli.ok("keys", "rekey");
        JsonNode afterRekey = identify(bush.get(2));
        assertEquals(subject, afterRekey.get("match").asText(), afterRekey.toString());
        assertEquals(similarity, afterRekey.get("candidates").get(0).get("similarity").asDouble(), 1e-4);

        // erasure: no longer identified; the consent record stays (withdrawn, hash only)
        JsonNode erased = cli.ok("subjects", "erase", subject, "--json").json();
        assertEquals(2, erased.get("templatesRemoved").asInt());
        assertTrue(erased.get("scrubbed").asBoolean());
        JsonNode gone = identify(bush.get(2));
        assertTrue(gone.get("match").isNull(), gone.toString());
        assertTrue(gone.get("candidates").isEmpty(), gone.toString());
        JsonNode consents = cli.ok("consents", "list", "--subject", subject, "--json").json();
        assertEquals(1, consents.size());
        assertFalse(consents.get(0).get("withdrawnAt").isNull());

        // audit: intact; the export has one line per record, consecutive, hashes linked, no descriptor-like arrays
        JsonNode verified = cli.ok("audit", "verify", "--json").json();
        assertTrue(verified.get("intact").asBoolean(), verified.toString());
        Path export = work.resolve("audit.jsonl");
        JsonNode exported = cli.ok("audit", "export", "--out", export.toString(), "--json").json();
        List<String> lines = Files.readAllLines(export, StandardCharsets.UTF_8);
        assertEquals(exported.get("records").asLong(), lines.size());
        String jsonl = String.join("\n", lines);
        assertFalse(FLOAT_ARRAY.matcher(jsonl).find(), "descriptor-like float array in the audit export");
        String user = ActorArgs.PREFIX + System.getProperty("user.name");
        String prev = "0".repeat(64);
        long seq = 1;
        for (String line : lines) {
            JsonNode r = GalleryCli.JSON.readTree(line);
            assertEquals(seq++, r.get("seq").asLong(), line);
            assertEquals(prev, r.get("prevHash").asText(), line);
            prev = r.get("hash").asText();
            for (Iterator<JsonNode> it = r.elements(); it.hasNext(); ) {
                JsonNode v = it.next();
                assertTrue(!v.isArray() || v == r.get("candidates"), "only candidates is an array: " + line);
            }
            r.get("candidates").forEach(c -> assertEquals(Set.of("id", "score"), Set.copyOf(List.of(fieldNames(c))), line));
        }
        assertTrue(jsonl.contains("\"actor\":\"" + user + "\",\"role\":\"enroller\",\"action\":\"enrol\""), "enrolments audited as the local user");
        assertTrue(jsonl.contains("\"action\":\"enrol\",\"outcome\":\"refused\""), "the refused enrolment is audited");
        assertTrue(jsonl.contains("\"action\":\"subject-erase\",\"outcome\":\"ok\""));
        assertTrue(jsonl.contains("\"action\":\"key-rotate\"") && jsonl.contains("\"action\":\"key-rekey\""));
        assertTrue(lines.get(lines.size() - 1).contains("\"action\":\"audit-export\""), "the export includes its own record");
        assertFalse(jsonl.contains("George W Bush") || jsonl.contains("emp-0001"), "names and external ids are not in the audit log");
        assertEquals(0, cli.ok("audit", "verify", "--file", export.toString()).code());

        // tampering with the log by raw SQL (as someone with the file would) is found: exit 7
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("gallery.db")); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER audit_log_append_only_update");
            s.execute("UPDATE audit_log SET actor_id = 'someone-else' WHERE action = 'subject-erase'");
        }
        Result broken = cli.run("audit", "verify");
        assertEquals(GalleryExitCodes.AUDIT_BROKEN, broken.code(), broken::toString);
        assertTrue(broken.out().contains("broken"), broken::toString);
        String head = exported.get("headSeq").asText() + ":" + exported.get("headHash").asText();
        assertEquals(0, cli.ok("audit", "verify", "--file", export.toString(), "--expect", head).code(), "the export still verifies");
    }

    private static String[] fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names.toArray(String[]::new);
    }

    @Test
    void watchlistNeedsAnAuthorisationAndTwoDifferentReviewers() {
        // roles do not nest: an operator may not create collections (refused and audited, exit 5)
        String denied = assertOneLineError(cli.run("collections", "create", "x", "--purpose", "access-control", "--threshold", THRESHOLD,
                "--as", "operator"), GalleryExitCodes.REFUSED);
        assertTrue(denied.contains("[forbidden]"), denied);

        cli.ok("collections", "create", "wanted", "--purpose", "watchlist", "--threshold", THRESHOLD);
        String subject = id(cli.ok("subjects", "create", "--name", "Person of interest", "--json"));
        cli.ok("consents", "record", "--subject", subject, "--purpose", "watchlist", "--basis", "legal-basis", "--reference",
                "Court order 12/2025");
        cli.ok("enrol", "--subject", subject, "--collection", "wanted", bush.get(0).toString());

        String noAuth = assertOneLineError(cli.run("identify", "--collection", "wanted", bush.get(1).toString(), "--source", "cam-1"),
                GalleryExitCodes.REFUSED);
        assertTrue(noAuth.contains("[authorisation-required]"), noAuth);
        cli.ok("authorisations", "create", "--issuer", "District Court", "--reference", "Order 12/2025", "--collection", "wanted",
                "--source", "cam-1", "--expires", "P30D");
        assertOneLineError(cli.run("identify", "--collection", "wanted", bush.get(1).toString(), "--source", "cam-2"),
                GalleryExitCodes.REFUSED);

        JsonNode hit = cli.ok("identify", "--collection", "wanted", bush.get(1).toString(), "--source", "cam-1", "--json").json();
        assertTrue(hit.get("match").isNull(), "a watchlist hit is never a match: " + hit);
        assertEquals("review-candidate", hit.get("candidates").get(0).get("status").asText());
        String caseId = hit.get("reviewCase").asText();

        Result first = cli.ok("review", "confirm", caseId, "--subject", subject, "--actor", "alice");
        assertTrue(first.out().contains("pending"), first::toString);
        String twice = assertOneLineError(cli.run("review", "confirm", caseId, "--subject", subject, "--actor", "alice"),
                GalleryExitCodes.BAD_INPUT);
        assertTrue(twice.contains("[conflict]"), twice);
        JsonNode confirmed = cli.ok("review", "confirm", caseId, "--subject", subject, "--actor", "bob", "--json").json();
        assertEquals("confirmed", confirmed.get("status").asText());
        assertEquals(subject, confirmed.get("confirmedSubject").asText());
        assertEquals(List.of("cli:alice", "cli:bob"), List.of(confirmed.get("decisions").get(0).get("reviewer").asText(),
                confirmed.get("decisions").get(1).get("reviewer").asText()));
    }
}
