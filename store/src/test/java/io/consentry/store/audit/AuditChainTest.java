package io.consentry.store.audit;

import io.consentry.store.Purpose;
import io.consentry.store.Role;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditChainTest {
    private static List<AuditRecord> chain(int n) {
        List<AuditRecord> out = new ArrayList<>();
        String prev = AuditChain.GENESIS_HASH;
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        for (int i = 1; i <= n; i++) {
            AuditEntry e = AuditEntry.builder("key-" + (i % 3), Role.OPERATOR, AuditAction.IDENTIFY).optCollection("c-1")
                    .optPurpose(Purpose.ACCESS_CONTROL).optImageSha256("ab".repeat(32))
                    .optCandidates(List.of(new AuditCandidate("s-" + i, 0.5 + i / 100.0))).optDetail("probe " + i).build();
            AuditRecord r = AuditRecord.seal(i, t.plusSeconds(i), e, prev);
            out.add(r);
            prev = r.hash();
        }
        return out;
    }

    private static AuditHead head(List<AuditRecord> rs) {
        AuditRecord last = rs.get(rs.size() - 1);
        return new AuditHead(last.seq(), last.hash());
    }

    @Test
    void anIntactChainVerifies() {
        List<AuditRecord> rs = chain(10);
        AuditVerification v = AuditChain.verify(rs, Optional.of(head(rs)));
        assertTrue(v.intact(), v::toString);
        assertEquals(10, v.recordsChecked());
        assertEquals(AuditChain.GENESIS_HASH, rs.get(0).prevHash());
        assertTrue(AuditChain.verify(List.of(), Optional.of(new AuditHead(0, AuditChain.GENESIS_HASH))).intact());
    }

    @Test
    void aModifiedFieldIsFound() {
        List<AuditRecord> rs = chain(10);
        AuditRecord r = rs.get(4);
        AuditEntry changed = r.entry().toBuilder().optCandidates(List.of(new AuditCandidate("someone-else", 0.99))).build();
        rs.set(4, new AuditRecord(r.seq(), r.at(), changed, r.prevHash(), r.hash()));
        AuditBreak b = AuditChain.verify(rs, Optional.of(head(rs))).firstBreak().orElseThrow();
        assertEquals(5, b.seq());
        assertEquals(AuditBreak.Kind.MODIFIED, b.kind());
    }

    @Test
    void aModifiedAndRehashedRecordIsFoundAtItsSuccessor() {
        List<AuditRecord> rs = chain(10);
        AuditRecord r = rs.get(4);
        AuditEntry changed = r.entry().toBuilder().optDetail("forged").build();
        rs.set(4, AuditRecord.seal(r.seq(), r.at(), changed, r.prevHash()));
        AuditBreak b = AuditChain.verify(rs, Optional.of(head(rs))).firstBreak().orElseThrow();
        assertEquals(5, b.seq());
        assertEquals(AuditBreak.Kind.MODIFIED, b.kind());
    }

    @Test
    void deletionsAreFoundAnywhere() {
        List<AuditRecord> middle = chain(10);
        AuditHead h = head(middle);
        middle.remove(3);
        AuditBreak b = AuditChain.verify(middle, Optional.of(h)).firstBreak().orElseThrow();
        assertEquals(AuditBreak.Kind.DELETED, b.kind());
        assertEquals(4, b.seq());

        List<AuditRecord> first = chain(10);
        first.remove(0);
        assertEquals(AuditBreak.Kind.DELETED, AuditChain.verify(first, Optional.empty()).firstBreak().orElseThrow().kind());

        List<AuditRecord> tail = chain(10);
        AuditHead th = head(tail);
        tail.remove(9);
        AuditBreak tb = AuditChain.verify(tail, Optional.of(th)).firstBreak().orElseThrow();
        assertEquals(AuditBreak.Kind.DELETED, tb.kind());
        assertEquals(10, tb.seq());
        assertTrue(AuditChain.verify(tail, Optional.empty()).intact(), "a cut tail needs a head to be seen");
    }

    @Test
    void reorderingIsFound() {
        List<AuditRecord> rs = chain(10);
        AuditHead h = head(rs);
        // swap records 6 and 7 including their positions (seq values follow the rows)
        AuditRecord a = rs.get(5);
        AuditRecord b = rs.get(6);
        rs.set(5, new AuditRecord(6, b.at(), b.entry(), b.prevHash(), b.hash()));
        rs.set(6, new AuditRecord(7, a.at(), a.entry(), a.prevHash(), a.hash()));
        AuditBreak br = AuditChain.verify(rs, Optional.of(h)).firstBreak().orElseThrow();
        assertEquals(AuditBreak.Kind.REORDERED, br.kind());
        assertEquals(6, br.seq());
    }

    @Test
    void hashesCoverEveryFieldAndFieldBoundaries() {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        AuditEntry base = AuditEntry.builder("a", Role.ADMIN, AuditAction.ENROL).optSubject("bc").build();
        AuditEntry shifted = AuditEntry.builder("ab", Role.ADMIN, AuditAction.ENROL).optSubject("c").build();
        assertNotEquals(AuditChain.hash(t, base, AuditChain.GENESIS_HASH), AuditChain.hash(t, shifted, AuditChain.GENESIS_HASH));
        assertNotEquals(AuditChain.hash(t, base, AuditChain.GENESIS_HASH), AuditChain.hash(t.plusMillis(1), base, AuditChain.GENESIS_HASH));
        AuditEntry empty = AuditEntry.builder("a", Optional.empty(), AuditAction.LOGIN_FAILED).optDetail("").build();
        AuditEntry emptyRole = AuditEntry.builder("a", Optional.empty(), AuditAction.LOGIN_FAILED).optDetail("~").build();
        assertNotEquals(AuditChain.hash(t, empty, AuditChain.GENESIS_HASH), AuditChain.hash(t, emptyRole, AuditChain.GENESIS_HASH));
    }

    @Test
    void jsonlExportRoundTripsAndVerifiesElsewhere() throws Exception {
        List<AuditRecord> rs = chain(5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(5, AuditJsonl.write(rs, out));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(5, text.lines().count());
        assertTrue(text.lines().allMatch(l -> l.startsWith("{\"seq\":")));
        List<AuditRecord> back = AuditJsonl.read(new StringReader(text));
        assertEquals(rs, back);
        assertTrue(AuditChain.verify(back, Optional.of(head(rs))).intact());
        String tampered = text.replace("probe 3", "probe X");
        assertFalse(AuditChain.verify(AuditJsonl.read(new StringReader(tampered)), Optional.empty()).intact());
    }

    @Test
    void detailsAreBoundedAndControlCharactersRemoved() {
        AuditEntry e = AuditEntry.builder("a", Role.ADMIN, AuditAction.ENROL).optDetail("x\ny" + "z".repeat(1000)).build();
        assertEquals(AuditEntry.MAX_DETAIL, e.detail().length());
        assertFalse(e.detail().contains("\n"));
    }
}
