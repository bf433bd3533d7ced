package io.consentry.governance.bench;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.governance.ImageInput;
import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConsentSpec;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.testing.TestPacks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Enrolment throughput through the governance service: for N LFW people (first photo each) a subject, a signed-form
 * consent and one enrolment (decode, detect, landmarks, descriptor, orthogonal transform, AES-GCM, SQLite commit with
 * synchronous=FULL, audit record, index insert), one after the other.
 *
 * <p>Run (from the repository root, after {@code mvn -q -o install -DskipTests -pl core,store -am} and
 * {@code mvn -q -o test-compile -pl store}):
 * {@code java --add-modules jdk.incubator.vector -Dconsentry.shared=../shared -Dconsentry.testHome=target/test-home
 * -cp store/target/test-classes:store/target/classes:$(cat /tmp/store-cp.txt) io.consentry.governance.bench.EnrolBench 200}
 * with the class path from {@code mvn -q -o dependency:build-classpath -pl store -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/store-cp.txt}.
 */
public final class EnrolBench {
    private EnrolBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path lfw = TestPacks.shared().resolve("datasets/lfw");
        List<Path> photos;
        try (Stream<Path> people = Files.list(lfw)) {
            photos = people.filter(Files::isDirectory).sorted().map(d -> {
                try (Stream<Path> f = Files.list(d)) {
                    return f.sorted().findFirst().orElse(null);
                } catch (java.io.IOException e) {
                    return null;
                }
            }).filter(java.util.Objects::nonNull).limit(n).toList();
        }
        Path home = Files.createTempDirectory("enrol-bench");
        Actor admin = new Actor("bench-admin", Role.ADMIN);
        Actor enroller = new Actor("bench-enroller", Role.ENROLLER);
        try (FaceEngine engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(home).build());
             SqliteGalleryStore store = SqliteGalleryStore.open(home.resolve("gallery.db"), DeploymentKeys.loadOrCreate(home.resolve("keys/deployment.key")));
             GalleryService service = new GalleryService(store, engine, GalleryServiceOptions.defaults())) {
            Collection c = service.createCollection(admin, CollectionSpec.of("bench", Purpose.ACCESS_CONTROL, 0.92));
            int ok = 0;
            int refused = 0;
            long t0 = System.nanoTime();
            long enrolNanos = 0;
            for (Path p : photos) {
                Subject s = service.createSubject(enroller, SubjectSpec.of(p.getParent().getFileName().toString()));
                service.recordConsent(enroller, ConsentSpec.signedForm(s.id(), Set.of(Purpose.ACCESS_CONTROL), Instant.now(),
                        Optional.empty(), "0".repeat(64)));
                long e0 = System.nanoTime();
                try {
                    service.enrol(enroller, s.id(), c.id(), ImageInput.encoded(Files.readAllBytes(p), p.getFileName().toString()));
                    ok++;
                } catch (io.consentry.store.GalleryException e) {
                    refused++; // no face or several faces: LFW photos sometimes show bystanders
                }
                enrolNanos += System.nanoTime() - e0;
            }
            double total = (System.nanoTime() - t0) / 1e9;
            System.out.printf("people %d: enrolled %d, refused %d (no face / several faces)%n", photos.size(), ok, refused);
            System.out.printf("enrol calls: %.1f per s (%.1f ms mean); with subject + consent creation: %.1f people per s%n",
                    photos.size() / (enrolNanos / 1e9), enrolNanos / 1e6 / photos.size(), photos.size() / total);
        }
    }
}
