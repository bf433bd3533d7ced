package io.consentry.store.audit;

import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.GalleryStore;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.SubjectSpec;
import io.consentry.store.crypto.DeploymentKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tampering with the audit table by raw SQL (as someone with the database file would) is detected. */
class AuditTamperSqliteTest {
    @TempDir
    Path dir;
    private DeploymentKeys keys;

    @BeforeEach
    void fill() throws Exception {
        keys = DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key"));
        try (GalleryStore store = open()) {
            Collection c = store.createCollection(CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, 0.8),
                    AuditEntry.builder("admin-1", Role.ADMIN, AuditAction.COLLECTION_CREATE).build());
            for (int i = 0; i < 8; i++) {
                store.createSubject(SubjectSpec.of("Person " + i), AuditEntry.builder("enr-1", Role.ENROLLER, AuditAction.SUBJECT_CREATE).build());
                store.appendAudit(AuditEntry.builder("op-1", Role.OPERATOR, AuditAction.IDENTIFY).optCollection(c.id())
                        .optCandidates(List.of(new AuditCandidate("s-" + i, 0.9))).build());
            }
            assertEquals(17, store.auditHead().seq());
            assertTrue(store.verifyAudit().intact());
        }
    }

    private GalleryStore open() throws Exception {
        return SqliteGalleryStore.open(dir.resolve("gallery.db"), keys);
    }

    /** Runs SQL the way an attacker with file access would: triggers dropped first. */
    private void tamper(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gallery.db")); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER audit_log_append_only_update");
            s.execute("DROP TRIGGER audit_log_append_only_delete");
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private AuditBreak firstBreak() throws Exception {
        try (GalleryStore store = open()) {
            AuditVerification v = store.verifyAudit();
            assertTrue(!v.intact(), "tampering went unnoticed");
            return v.firstBreak().orElseThrow();
        }
    }

    @Test
    void aModifiedFieldIsReported() throws Exception {
        tamper("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 6");
        AuditBreak b = firstBreak();
        assertEquals(6, b.seq());
        assertEquals(AuditBreak.Kind.MODIFIED, b.kind());
    }

    @Test
    void aModifiedScoreIsReported() throws Exception {
        tamper("UPDATE audit_log SET candidates = '[{\"id\":\"s-3\",\"score\":\"0.100000\"}]' WHERE seq = 9");
        AuditBreak b = firstBreak();
        assertEquals(9, b.seq());
        assertEquals(AuditBreak.Kind.MODIFIED, b.kind());
    }

    @Test
    void aDeletedRowIsReported() throws Exception {
        tamper("DELETE FROM audit_log WHERE seq = 10");
        AuditBreak b = firstBreak();
        assertEquals(10, b.seq());
        assertEquals(AuditBreak.Kind.DELETED, b.kind());
    }

    @Test
    void aDeletedLastRowIsReportedAgainstTheHead() throws Exception {
        tamper("DELETE FROM audit_log WHERE seq = 17");
        AuditBreak b = firstBreak();
        assertEquals(17, b.seq());
        assertEquals(AuditBreak.Kind.DELETED, b.kind());
    }

    @Test
    void swappedRowsAreReported() throws Exception {
        tamper("UPDATE audit_log SET seq = -1 WHERE seq = 4", "UPDATE audit_log SET seq = 4 WHERE seq = 5",
                "UPDATE audit_log SET seq = 5 WHERE seq = -1");
        AuditBreak b = firstBreak();
        assertEquals(4, b.seq());
        assertEquals(AuditBreak.Kind.REORDERED, b.kind());
    }

    @Test
    void anUnparseableRowIsReportedNotFatal() throws Exception {
        tamper("UPDATE audit_log SET action = 'nonsense' WHERE seq = 3");
        AuditBreak b = firstBreak();
        assertEquals(3, b.seq());
        assertEquals(AuditBreak.Kind.MODIFIED, b.kind());
    }
}
