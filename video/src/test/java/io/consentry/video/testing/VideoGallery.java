package io.consentry.video.testing;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.governance.ImageInput;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConsentSpec;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import io.consentry.store.crypto.DeploymentKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** A real gallery (SQLite in a temp folder, in-memory keys) with the roles a video test needs. */
public final class VideoGallery implements AutoCloseable {
    public static final Actor ADMIN = new Actor("key-admin", Role.ADMIN);
    public static final Actor ENROLLER = new Actor("key-enroller", Role.ENROLLER);
    public static final Actor OPERATOR = new Actor("key-operator", Role.OPERATOR);
    public static final Actor REVIEWER = new Actor("key-reviewer", Role.REVIEWER);
    public static final Actor AUDITOR = new Actor("key-auditor", Role.AUDITOR);

    public final GalleryService service;

    public VideoGallery(Path dir, FaceEngine engine) throws Exception {
        service = new GalleryService(SqliteGalleryStore.open(dir.resolve("gallery.db"), DeploymentKeys.generateInMemory()), engine,
                GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build());
    }

    public Collection collection(String name, Purpose purpose, double threshold) throws Exception {
        return service.createCollection(ADMIN, CollectionSpec.of(name, purpose, threshold));
    }

    /**
     * Creates a subject with a recorded consent (or legal basis, for a watchlist) and enrols LFW photos of
     * {@code person} starting at photo {@code fromPhoto} (1-based, name order), skipping photos without one clear face.
     */
    public Subject enrol(Collection c, String person, int fromPhoto, int photos) throws Exception {
        Subject s = service.createSubject(ENROLLER, SubjectSpec.of(person.replace('_', ' ')));
        Instant now = Instant.now();
        if (c.purpose() == Purpose.WATCHLIST) {
            service.recordConsent(ENROLLER, ConsentSpec.legalBasis(s.id(), Set.of(c.purpose()), "Court order 1/2026", now, Optional.empty(),
                    Optional.empty()));
        } else {
            service.recordConsent(ENROLLER, ConsentSpec.inApp(s.id(), Set.of(c.purpose()), now, Optional.of(now.plus(Duration.ofDays(365))),
                    Optional.empty()));
        }
        int enrolled = 0;
        for (int k = 0; enrolled < photos && k < 20; k++) {
            Path p = SyntheticFootage.lfw(person, fromPhoto + k);
            try {
                service.enrol(ENROLLER, s.id(), c.id(), ImageInput.encoded(Files.readAllBytes(p), p.getFileName().toString()));
                enrolled++;
            } catch (io.consentry.store.GalleryException e) {
                // several or no faces in this photo: try the next one
            }
        }
        if (enrolled == 0) {
            throw new IllegalStateException("could not enrol " + person);
        }
        return s;
    }

    /** An authorisation for {@code c} covering {@code sources}, valid for a day. */
    public void authorise(Collection c, Set<String> sources) throws Exception {
        Instant now = Instant.now();
        service.createAuthorisation(ADMIN, new AuthorisationSpec("District Court", "Warrant 7/2026", Set.of(c.id()), sources,
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1))));
    }

    @Override
    public void close() throws Exception {
        service.close();
    }
}
