package io.consentry.store;

import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.store.testing.Fixtures;

import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link DurabilityKillTest}: enrols templates as fast as it can and prints {@code ACK <id>} after
 * each commit returned. Killed with SIGKILL by the parent at an arbitrary point.
 *
 * <p>Arguments: database file, key file, collection id, subject id, maximum templates.
 */
public final class EnrolChild {
    private EnrolChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        DeploymentKeys keys = DeploymentKeys.loadOrCreate(Path.of(args[1]));
        String collection = args[2];
        String subject = args[3];
        int max = Integer.parseInt(args[4]);
        Random rnd = new Random();
        try (GalleryStore store = SqliteGalleryStore.open(db, keys)) {
            System.out.println("READY");
            System.out.flush();
            for (int i = 0; i < max; i++) {
                float[] v = Fixtures.unitVector(rnd, 128);
                StoredTemplate t = store.enrol(NewTemplate.of(subject, collection, "m", v, 0.9, Fixtures.sha256("child-" + rnd.nextLong())),
                        AuditEntry.builder("child", io.consentry.store.Role.ENROLLER, AuditAction.ENROL).build());
                System.out.println("ACK " + t.id());
                System.out.flush();
                if (i % 3 == 0) {
                    store.appendAudit(AuditEntry.builder("child", io.consentry.store.Role.OPERATOR, AuditAction.IDENTIFY).build());
                }
            }
        }
    }
}
