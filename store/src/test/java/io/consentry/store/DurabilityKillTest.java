package io.consentry.store;

import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditVerification;
import io.consentry.store.crypto.DeploymentKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.consentry.store.testing.Fixtures.audit;
import static io.consentry.store.testing.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a stream of enrolments: every enrolment the child acknowledged (printed after its commit
 * returned) is in the database when it is reopened, and the audit chain verifies.
 */
class DurabilityKillTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedEnrolmentsSurviveKillMinus9() throws Exception {
        Path db = dir.resolve("gallery.db");
        Path keyFile = dir.resolve("keys/deployment.key");
        String collectionId;
        String subjectId;
        try (GalleryStore store = SqliteGalleryStore.open(db, DeploymentKeys.loadOrCreate(keyFile))) {
            collectionId = store.createCollection(CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, 0.8), audit(AuditAction.COLLECTION_CREATE)).id();
            subjectId = store.createSubject(SubjectSpec.of("Ann"), audit(AuditAction.SUBJECT_CREATE)).id();
            store.recordConsent(ConsentSpec.signedForm(subjectId, Set.of(Purpose.ACCESS_CONTROL), Instant.now(), Optional.empty(), sha256("f")),
                    "e", audit(AuditAction.CONSENT_RECORD));
        }

        for (int round = 0; round < 2; round++) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), EnrolChild.class.getName(),
                    db.toString(), keyFile.toString(), collectionId, subjectId, "100000")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> acked = new ArrayList<>();
            int killAfter = 40 + round * 37;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean killed = false;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acked.add(line.substring(4));
                        if (!killed && acked.size() >= killAfter) {
                            // SIGKILL (no shutdown hooks, no close()); through the handle so that acks already in the pipe can still be read
                            p.toHandle().destroyForcibly();
                            killed = true;
                        }
                    }
                }
                assertTrue(killed, "the child ended before it was killed; acks: " + acked.size());
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(p.exitValue() != 0, "killed, not finished");

            try (GalleryStore store = SqliteGalleryStore.open(db, DeploymentKeys.loadOrCreate(keyFile))) {
                Set<String> present = Set.copyOf(store.templates(collectionId).stream().map(StoredTemplate::id).toList());
                for (String id : acked) {
                    assertTrue(present.contains(id), "acknowledged template " + id + " was lost");
                }
                AuditVerification v = store.verifyAudit();
                assertTrue(v.intact(), v::toString);
                assertEquals(v.head(), store.auditHead());
                System.out.println("[kill -9] round " + round + ": " + acked.size() + " acknowledged, " + present.size()
                        + " templates present, audit " + v.recordsChecked() + " records intact");
            }
        }
    }
}
