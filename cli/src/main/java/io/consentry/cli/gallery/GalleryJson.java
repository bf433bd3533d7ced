package io.consentry.cli.gallery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentry.geometry.Box;
import io.consentry.governance.Candidate;
import io.consentry.governance.Enrolment;
import io.consentry.governance.IdentifyResult;
import io.consentry.governance.VerifyResult;
import io.consentry.store.ApiKey;
import io.consentry.store.Authorisation;
import io.consentry.store.Collection;
import io.consentry.store.Consent;
import io.consentry.store.ErasureReport;
import io.consentry.store.PurgeReport;
import io.consentry.store.Purpose;
import io.consentry.store.ReviewCandidate;
import io.consentry.store.ReviewCase;
import io.consentry.store.ReviewDecision;
import io.consentry.store.Subject;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON shapes printed by {@code --json}: explicit fields (ids, names, times as ISO-8601 UTC, scores), so no
 * descriptor, image or secret can slip into output by accident (the one secret printed is a new API key's, once).
 */
final class GalleryJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private GalleryJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String time(Instant t) {
        return t.toString();
    }

    private static void put(ObjectNode n, String field, Optional<?> v) {
        if (v.isPresent()) {
            n.put(field, v.get() instanceof Instant t ? time(t) : v.get().toString());
        } else {
            n.putNull(field);
        }
    }

    static ObjectNode collection(Collection c) {
        ObjectNode n = object();
        n.put("id", c.id());
        n.put("name", c.name());
        n.put("purpose", c.purpose().wireName());
        n.put("threshold", c.matchThreshold());
        n.put("retentionDays", c.retention().toDays());
        n.put("storeSourceImages", c.storeSourceImages());
        n.put("createdAt", time(c.createdAt()));
        return n;
    }

    static ObjectNode subject(Subject s) {
        ObjectNode n = object();
        n.put("id", s.id());
        n.put("displayName", s.displayName());
        put(n, "externalId", s.externalId());
        n.put("createdAt", time(s.createdAt()));
        n.put("lastInteractionAt", time(s.lastInteractionAt()));
        return n;
    }

    static ObjectNode consent(Consent c, Instant now) {
        ObjectNode n = object();
        n.put("id", c.id());
        n.put("subject", c.subjectId());
        ArrayNode p = n.putArray("purposes");
        c.purposes().stream().map(Purpose::wireName).sorted().forEach(p::add);
        n.put("basis", c.basis().wireName());
        put(n, "legalReference", c.legalReference());
        n.put("givenAt", time(c.givenAt()));
        put(n, "expiresAt", c.expiresAt());
        put(n, "evidenceSha256", c.evidenceSha256());
        n.put("recordedBy", c.recordedBy());
        n.put("recordedAt", time(c.recordedAt()));
        put(n, "withdrawnAt", c.withdrawnAt());
        n.put("validNow", c.isValidAt(now));
        return n;
    }

    static ObjectNode box(Box b) {
        ObjectNode n = object();
        n.put("x", Math.round(b.x() * 10) / 10.0);
        n.put("y", Math.round(b.y() * 10) / 10.0);
        n.put("width", Math.round(b.width() * 10) / 10.0);
        n.put("height", Math.round(b.height() * 10) / 10.0);
        return n;
    }

    static ObjectNode enrolment(String image, Enrolment e) {
        ObjectNode n = object();
        n.put("image", image);
        n.put("ok", true);
        n.put("templateId", e.templateId());
        n.put("subject", e.subjectId());
        n.put("collection", e.collectionId());
        n.put("quality", e.quality());
        n.set("face", box(e.face()));
        n.put("imageSha256", e.imageSha256());
        return n;
    }

    static ObjectNode candidate(Candidate c) {
        ObjectNode n = object();
        n.put("subject", c.subjectId());
        n.put("similarity", c.similarity());
        n.put("status", c.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return n;
    }

    static ObjectNode identify(IdentifyResult r) {
        ObjectNode n = object();
        n.put("collection", r.collectionId());
        n.put("purpose", r.purpose().wireName());
        n.put("threshold", r.threshold());
        n.set("probeFace", box(r.probeFace()));
        n.put("facesInImage", r.facesInImage());
        ArrayNode a = n.putArray("candidates");
        r.candidates().forEach(c -> a.add(candidate(c)));
        put(n, "match", r.bestMatch().map(Candidate::subjectId));
        put(n, "reviewCase", r.reviewCaseId());
        return n;
    }

    static ObjectNode verify(VerifyResult r) {
        ObjectNode n = object();
        n.put("subject", r.subjectId());
        n.put("collection", r.collectionId());
        n.put("similarity", r.similarity());
        n.put("threshold", r.threshold());
        n.put("match", r.match());
        n.set("probeFace", box(r.probeFace()));
        n.put("templatesCompared", r.templatesCompared());
        return n;
    }

    static ObjectNode reviewCase(ReviewCase c) {
        ObjectNode n = object();
        n.put("id", c.id());
        n.put("collection", c.collectionId());
        n.put("authorisation", c.authorisationId());
        n.put("probeImageSha256", c.probeImageSha256());
        put(n, "source", c.source());
        n.put("status", c.status().name().toLowerCase(Locale.ROOT));
        ArrayNode cands = n.putArray("candidates");
        for (ReviewCandidate rc : c.candidates()) {
            cands.addObject().put("subject", rc.subjectId()).put("similarity", rc.similarity());
        }
        ArrayNode ds = n.putArray("decisions");
        for (ReviewDecision d : c.decisions()) {
            ObjectNode dn = ds.addObject();
            dn.put("reviewer", d.reviewerId());
            dn.put("verdict", d.verdict().name().toLowerCase(Locale.ROOT));
            put(dn, "subject", d.subjectId());
            dn.put("decidedAt", time(d.decidedAt()));
        }
        put(n, "confirmedSubject", c.confirmedSubjectId());
        n.put("createdBy", c.createdBy());
        n.put("createdAt", time(c.createdAt()));
        put(n, "closedAt", c.closedAt());
        return n;
    }

    static ObjectNode authorisation(Authorisation a, Instant now) {
        ObjectNode n = object();
        n.put("id", a.id());
        n.put("issuer", a.issuer());
        n.put("legalReference", a.legalReference());
        ArrayNode cs = n.putArray("collections");
        a.collectionIds().stream().sorted().forEach(cs::add);
        ArrayNode ss = n.putArray("sources");
        a.sources().stream().sorted().forEach(ss::add);
        n.put("validFrom", time(a.validFrom()));
        n.put("expiresAt", time(a.expiresAt()));
        n.put("createdBy", a.createdBy());
        n.put("createdAt", time(a.createdAt()));
        put(n, "revokedAt", a.revokedAt());
        n.put("validNow", a.isValidAt(now));
        return n;
    }

    static ObjectNode apiKey(ApiKey k) {
        ObjectNode n = object();
        n.put("id", k.id());
        n.put("name", k.name());
        n.put("role", k.role().wireName());
        n.put("createdAt", time(k.createdAt()));
        put(n, "revokedAt", k.revokedAt());
        return n;
    }

    static ObjectNode erasure(ErasureReport r) {
        ObjectNode n = object();
        n.put("subject", r.subjectId());
        n.put("templatesRemoved", r.removedTemplates().size());
        n.put("consentsRetained", r.consentsRetained());
        n.put("scrubbed", r.scrubbed());
        return n;
    }

    static ObjectNode purge(PurgeReport r) {
        ObjectNode n = object();
        n.put("consentLapsedTemplates", r.consentLapsed().size());
        n.put("retentionExpiredTemplates", r.retentionExpired().size());
        n.put("erasedSubjects", r.erasedSubjects().size());
        return n;
    }
}
