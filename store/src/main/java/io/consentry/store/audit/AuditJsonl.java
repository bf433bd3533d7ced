package io.consentry.store.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.store.Purpose;
import io.consentry.store.Role;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Audit records as JSON Lines: one object per line, in sequence order, UTF-8.
 *
 * <pre>{"seq":1,"at":"2025-01-01T10:00:00.123Z","atMillis":1735725600123,"actor":"k-1","role":"enroller",
 * "action":"enrol","outcome":"ok","collection":"…","purpose":"access-control","subject":"…","object":"…",
 * "imageSha256":"…","candidates":[{"id":"…","score":0.912345}],"detail":"…","prevHash":"…","hash":"…"}</pre>
 *
 * Absent optional fields are written as {@code null}. The export carries the hashes, so
 * {@link AuditChain#verify} can check an exported file with {@link #read} on another machine.
 */
public final class AuditJsonl {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditJsonl() {
    }

    /** One record as a single JSON line (no trailing newline). */
    public static String toLine(AuditRecord r) {
        StringWriter w = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            AuditEntry e = r.entry();
            g.writeStartObject();
            g.writeNumberField("seq", r.seq());
            g.writeStringField("at", r.at().toString());
            g.writeNumberField("atMillis", r.at().toEpochMilli());
            g.writeStringField("actor", e.actorId());
            g.writeStringField("role", e.role().map(Role::wireName).orElse(null));
            g.writeStringField("action", e.action().wireName());
            g.writeStringField("outcome", e.outcome().wireName());
            g.writeStringField("collection", e.collectionId().orElse(null));
            g.writeStringField("purpose", e.purpose().map(Purpose::wireName).orElse(null));
            g.writeStringField("subject", e.subjectId().orElse(null));
            g.writeStringField("object", e.objectId().orElse(null));
            g.writeStringField("imageSha256", e.inputImageSha256().orElse(null));
            g.writeArrayFieldStart("candidates");
            for (AuditCandidate c : e.candidates()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeFieldName("score");
                g.writeNumber(c.scoreText());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("detail", e.detail());
            g.writeStringField("prevHash", r.prevHash());
            g.writeStringField("hash", r.hash());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot serialise audit record " + r.seq(), ex);
        }
        return w.toString();
    }

    /** Writes records, one line each; returns how many. Does not close {@code out}. */
    public static long write(Iterable<AuditRecord> records, OutputStream out) throws IOException {
        long n = 0;
        for (AuditRecord r : records) {
            out.write((toLine(r) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            n++;
        }
        out.flush();
        return n;
    }

    /** Parses one line written by {@link #toLine}. */
    public static AuditRecord parseLine(String line) throws IOException {
        JsonNode n = MAPPER.readTree(line);
        List<AuditCandidate> candidates = new ArrayList<>();
        for (JsonNode c : n.path("candidates")) {
            candidates.add(new AuditCandidate(c.get("id").asText(), c.get("score").asDouble()));
        }
        AuditEntry e = new AuditEntry(n.get("actor").asText(), text(n, "role").map(Role::fromWire),
                AuditAction.fromWire(n.get("action").asText()), AuditOutcome.fromWire(n.get("outcome").asText()),
                text(n, "collection"), text(n, "purpose").map(Purpose::fromWire), text(n, "subject"), text(n, "object"),
                text(n, "imageSha256"), candidates, n.path("detail").asText(""));
        return new AuditRecord(n.get("seq").asLong(), Instant.ofEpochMilli(n.get("atMillis").asLong()), e,
                n.get("prevHash").asText(), n.get("hash").asText());
    }

    /** Reads a whole JSONL export (blank lines skipped). */
    public static List<AuditRecord> read(Reader in) throws IOException {
        List<AuditRecord> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(in);
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parseLine(line));
            } catch (IOException | RuntimeException ex) {
                throw new IOException("audit export line " + lineNo + " is not a valid record: " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
