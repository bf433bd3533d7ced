package io.consentry.store;

import io.consentry.store.audit.AuditAction;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.store.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static io.consentry.store.testing.Fixtures.audit;
import static io.consentry.store.testing.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Erasure leaves no template bytes in the database files: the raw files ({@code gallery.db}, {@code -wal},
 * {@code -shm}) are scanned for the stored ciphertext, the search-space vector and the engine descriptor, in both
 * byte orders, after the erasure returns.
 */
class ErasureScrubTest {
    @TempDir
    Path dir;
    private GalleryStore store;
    private final Random rnd = new Random(99);

    @BeforeEach
    void open() throws Exception {
        store = SqliteGalleryStore.open(dir.resolve("gallery.db"), DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key")));
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    /** Everything that must disappear for one template. */
    private record Traces(byte[] ciphertext, byte[] image, float[] engine, float[] search) {
        List<byte[]> needles() {
            List<byte[]> n = new ArrayList<>();
            // the ciphertext body (after the 30-byte header) and the image ciphertext
            n.add(Fixtures.slice(ciphertext, 30, 64));
            if (image != null) {
                n.add(Fixtures.slice(image, 30, Math.min(64, image.length - 30)));
            }
            for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                n.add(Fixtures.slice(Fixtures.floatBytes(engine, o), 0, 32));
                n.add(Fixtures.slice(Fixtures.floatBytes(engine, o), 256, 32));
                n.add(Fixtures.slice(Fixtures.floatBytes(search, o), 0, 32));
                n.add(Fixtures.slice(Fixtures.floatBytes(search, o), 256, 32));
            }
            return n;
        }
    }

    private Traces traces(StoredTemplate t, float[] engine) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gallery.db"));
             PreparedStatement ps = c.prepareStatement("SELECT descriptor, source_image FROM templates WHERE id = ?")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return new Traces(rs.getBytes(1), rs.getBytes(2), engine, t.descriptor());
            }
        }
    }

    private byte[] files() throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Path f = dir.resolve("gallery.db" + suffix);
            if (Files.exists(f)) {
                all.writeBytes(Files.readAllBytes(f));
            }
        }
        return all.toByteArray();
    }

    private boolean anyIn(byte[] hay, Traces t) {
        return t.needles().stream().anyMatch(n -> Fixtures.contains(hay, n));
    }

    private Subject enrolled(Collection c, String name, List<float[]> engineVectors, List<StoredTemplate> out, Purpose p) throws Exception {
        Subject s = store.createSubject(SubjectSpec.of(name), audit(AuditAction.SUBJECT_CREATE));
        store.recordConsent(ConsentSpec.signedForm(s.id(), Set.of(p), java.time.Instant.now(), Optional.empty(), sha256(name)), "e",
                audit(AuditAction.CONSENT_RECORD));
        for (int i = 0; i < 3; i++) {
            float[] v = Fixtures.unitVector(rnd, 128);
            engineVectors.add(v);
            out.add(store.enrol(new NewTemplate(s.id(), c.id(), "m", v, 0.9, sha256(name + i),
                    c.storeSourceImages() ? Optional.of(randomImage()) : Optional.empty()), audit(AuditAction.ENROL)));
        }
        return s;
    }

    private byte[] randomImage() {
        byte[] b = new byte[3000];
        rnd.nextBytes(b);
        return b;
    }

    @Test
    void erasureLeavesNoTemplateOrImageBytesInTheDatabaseFiles() throws Exception {
        Collection c = store.createCollection(CollectionSpec.of("album", Purpose.PHOTO_LIBRARY, 0.8).withStoreSourceImages(true),
                audit(AuditAction.COLLECTION_CREATE));
        List<float[]> annV = new ArrayList<>();
        List<StoredTemplate> annT = new ArrayList<>();
        Subject annSubject = enrolled(c, "Ann", annV, annT, Purpose.PHOTO_LIBRARY);
        List<float[]> bobV = new ArrayList<>();
        List<StoredTemplate> bobT = new ArrayList<>();
        enrolled(c, "Bob", bobV, bobT, Purpose.PHOTO_LIBRARY);
        List<Traces> ann = new ArrayList<>();
        for (int i = 0; i < annT.size(); i++) {
            ann.add(traces(annT.get(i), annV.get(i)));
        }
        Traces bob = traces(bobT.get(0), bobV.get(0));

        byte[] before = files();
        assertTrue(Fixtures.contains(before, ann.get(0).needles().get(0)), "scanner sanity: the ciphertext is in the files before");
        // the plaintext vectors are never written, not even before erasure
        for (Traces t : ann) {
            for (byte[] n : t.needles().subList(2, t.needles().size())) {
                assertFalse(Fixtures.contains(before, n), "a plaintext vector reached the database file");
            }
        }

        ErasureReport r = store.eraseSubject(annSubject.id(), audit(AuditAction.SUBJECT_ERASE));
        assertTrue(r.scrubbed());
        byte[] after = files();
        for (Traces t : ann) {
            assertFalse(anyIn(after, t), "template bytes of the erased subject remain in the database files");
        }
        assertTrue(Fixtures.contains(after, bob.needles().get(0)), "the other subject's template is still there");
        assertTrue(Files.notExists(dir.resolve("gallery.db-wal")) || Files.size(dir.resolve("gallery.db-wal")) == 0,
                "the WAL was checkpointed and truncated");
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void withdrawalAlsoScrubsTheRemovedTemplates() throws Exception {
        Collection c = store.createCollection(CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, 0.8), audit(AuditAction.COLLECTION_CREATE));
        List<float[]> v = new ArrayList<>();
        List<StoredTemplate> ts = new ArrayList<>();
        Subject s = enrolled(c, "Ann", v, ts, Purpose.ACCESS_CONTROL);
        Traces t = traces(ts.get(1), v.get(1));
        assertTrue(anyIn(files(), t));
        Consent k = store.consents(s.id()).get(0);
        store.withdrawConsent(k.id(), java.time.Instant.now(), audit(AuditAction.CONSENT_WITHDRAW));
        assertFalse(anyIn(files(), t));
    }
}
