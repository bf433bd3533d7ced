package io.consentry.store;

import io.consentry.store.audit.AuditAction;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.store.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static io.consentry.store.testing.Fixtures.audit;
import static io.consentry.store.testing.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on SQLite, plus what is specific to the SQLite file: pragmas, schema, reopening, disk full, keys. */
class SqliteGalleryStoreTest extends GalleryStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected GalleryStore openStore(Clock clock) throws Exception {
        return SqliteGalleryStore.builder().setDatabase(dir.resolve("gallery.db"))
                .setKeys(DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key"))).optClock(clock).build();
    }

    private Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gallery.db"));
    }

    private static String pragma(Connection c, String name) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void fileIsWalWithSchemaVersionAndApplicationId() throws Exception {
        try (Connection c = raw()) {
            assertEquals("wal", pragma(c, "journal_mode"));
            assertEquals(String.valueOf(0x43534E54), pragma(c, "application_id"));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                rs.next();
                assertEquals(SqliteSchema.LATEST, rs.getInt(1));
            }
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("gallery.db"))));
        }
    }

    @Test
    void writerConnectionsRunWithDurableSettings() throws Exception {
        // the pragmas are per connection: check them on a connection opened the way the store opens its own
        SqliteGalleryStore s = (SqliteGalleryStore) store;
        assertEquals(dir.resolve("gallery.db").toAbsolutePath(), s.file());
        java.lang.reflect.Field f = SqliteGalleryStore.class.getDeclaredField("writer");
        f.setAccessible(true);
        Connection w = (Connection) f.get(s);
        assertEquals("2", pragma(w, "synchronous"), "synchronous=FULL");
        assertEquals("1", pragma(w, "foreign_keys"));
        assertEquals("1", pragma(w, "secure_delete"));
        assertEquals("2", pragma(w, "temp_store"), "temp_store=MEMORY");
    }

    @Test
    void dataSurvivesReopening() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "a");
        store.close();
        store = openStore(clock);
        assertEquals(t, store.template(t.id()));
        assertEquals(4, store.auditHead().seq());
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void aFullDiskRollsBackCleanlyAndNothingAcknowledgedIsLost() throws Exception {
        store.close();
        long size = Files.size(dir.resolve("gallery.db"));
        // a quota just above the current size: small writes fit, a burst of templates does not
        store = SqliteGalleryStore.builder().setDatabase(dir.resolve("gallery.db"))
                .setKeys(DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key"))).optClock(clock)
                .optMaxDatabaseBytes(Math.max(size, 4096) + 64 * 1024).build();
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        int ok = 0;
        StorageException full = null;
        for (int i = 0; i < 5000 && full == null; i++) {
            try {
                enrol(s, c, Fixtures.unitVector(rnd, DIM), "img-" + i);
                ok++;
            } catch (StorageException e) {
                full = e;
            }
        }
        assertTrue(full != null, "the quota was never reached");
        assertEquals(ErrorCode.STORAGE_FULL, full.code());
        assertEquals(507, full.code().httpStatus());
        assertEquals(ok, store.templates(c.id()).size(), "every acknowledged template is there, the failed one is not");
        assertTrue(store.verifyAudit().intact(), "the audit chain stays verifiable");
        long head = store.auditHead().seq();
        assertEquals(3 + ok, head, "no audit record for the failed write");

        store.close();
        store = openStore(clock); // no quota: the deployment continues
        enrol(s, c, Fixtures.unitVector(rnd, DIM), "after");
        assertEquals(ok + 1, store.templates(c.id()).size());
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void aWrongKeyFileStopsTheOpenWithoutTouchingData() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "a");
        store.close();
        StorageException e = assertThrows(StorageException.class, () -> SqliteGalleryStore.open(dir.resolve("gallery.db"),
                DeploymentKeys.generateInMemory()));
        assertEquals(ErrorCode.KEY_ERROR, e.code());
        assertTrue(e.getMessage().contains("restore the matching key file"), e.getMessage());
        store = openStore(clock);
        assertEquals(t, store.template(t.id()));
    }

    @Test
    void anInterruptedRotationIsCompletedOnTheNextOpen() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        float[] v = Fixtures.unitVector(rnd, DIM);
        StoredTemplate t = enrol(s, c, v, "a");
        store.close();
        // crash after the new key was written, before any template was re-encrypted; with a new transform too
        DeploymentKeys keys = DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key"));
        DeploymentKeys rotated = keys.withNewActive(true);
        assertEquals(2, DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key")).keyIds().size());

        store = openStore(clock);
        assertEquals(rotated.activeKeyId(), store.activeKeyId());
        assertEquals(List.of(rotated.activeKeyId()), DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key")).keyIds(),
                "the old key is dropped once nothing uses it");
        StoredTemplate moved = store.template(t.id());
        assertArrayEquals(store.toSearchSpace(v), moved.descriptor(), 1e-5f);
        assertTrue(store.verifyAudit().intact());
        assertEquals(AuditAction.KEY_ROTATE, store.readAudit(store.auditHead().seq(), 1).get(0).entry().action());
    }

    @Test
    void aForeignDatabaseIsRefused() throws Exception {
        store.close();
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE something (x INTEGER)");
        }
        StorageException e = assertThrows(StorageException.class, () -> SqliteGalleryStore.open(other, DeploymentKeys.generateInMemory()));
        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        store = openStore(clock);
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        store.close();
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at, description) VALUES (99, 0, 'from the future')");
        }
        StorageException e = assertThrows(StorageException.class, () -> openStore(clock));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM schema_version WHERE version = 99");
        }
        store = openStore(clock);
    }

    @Test
    void templatesAreEncryptedAtRest() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        float[] v = Fixtures.unitVector(new Random(7), DIM);
        StoredTemplate t = enrol(s, c, v, "a");
        try (Connection conn = raw(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT descriptor, key_id FROM templates")) {
            rs.next();
            byte[] blob = rs.getBytes(1);
            assertEquals(store.activeKeyId(), rs.getString(2));
            assertEquals(2 + 16 + 12 + DIM * 4 + 16, blob.length, "header, nonce, ciphertext, tag");
            for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.LITTLE_ENDIAN, java.nio.ByteOrder.BIG_ENDIAN)) {
                assertTrue(!Fixtures.contains(blob, Fixtures.slice(Fixtures.floatBytes(v, order), 0, 16)));
                assertTrue(!Fixtures.contains(blob, Fixtures.slice(Fixtures.floatBytes(t.descriptor(), order), 0, 16)));
            }
        }
    }

    @Test
    void theAuditLogIsAppendOnlyForTheApplication() throws Exception {
        subject("Ann");
        try (Connection c = raw(); Statement s = c.createStatement()) {
            assertThrows(java.sql.SQLException.class, () -> s.execute("UPDATE audit_log SET detail = 'x'"));
            assertThrows(java.sql.SQLException.class, () -> s.execute("DELETE FROM audit_log"));
        }
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void consentPurposesAreStoredPerConsent() throws Exception {
        Subject s = subject("Ann");
        Consent k = store.recordConsent(ConsentSpec.inApp(s.id(), Set.of(Purpose.ACCESS_CONTROL, Purpose.EVENT_CHECK_IN), clock.instant(),
                Optional.empty(), Optional.of(sha256("screen"))), "e", audit(AuditAction.CONSENT_RECORD));
        assertEquals(Set.of(Purpose.ACCESS_CONTROL, Purpose.EVENT_CHECK_IN), store.consent(k.id()).purposes());
    }

}
