package io.consentry.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.image.RgbImage;
import io.consentry.store.AccessDeniedException;
import io.consentry.store.Authorisation;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConflictException;
import io.consentry.store.Consent;
import io.consentry.store.ConsentRequiredException;
import io.consentry.store.ConsentSpec;
import io.consentry.store.ErasureReport;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;
import io.consentry.store.InvalidInputException;
import io.consentry.store.NewTemplate;
import io.consentry.store.NotFoundException;
import io.consentry.store.Purpose;
import io.consentry.store.ReviewCase;
import io.consentry.store.ReviewStatus;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import io.consentry.store.Verdict;
import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditOutcome;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.crypto.DeploymentKeys;
import io.consentry.store.testing.Fixtures;
import io.consentry.store.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service end to end with the real face engine and real LFW photos. */
class GalleryServiceTest {
    static final Actor ADMIN = new Actor("admin-1", Role.ADMIN);
    static final Actor ENROLLER = new Actor("enroller-1", Role.ENROLLER);
    static final Actor OPERATOR = new Actor("operator-1", Role.OPERATOR);
    static final Actor REVIEWER_A = new Actor("reviewer-a", Role.REVIEWER);
    static final Actor REVIEWER_B = new Actor("reviewer-b", Role.REVIEWER);
    static final Actor AUDITOR = new Actor("auditor-1", Role.AUDITOR);

    /**
     * Collection threshold for these tests. Measured with this pack on the photos used: same person 0.93–0.97,
     * different people 0.78–0.90 (Aaron Eckhart vs Bush 0.86). The pack's default 0.82 would call those impostors
     * matches, so the collections here use 0.92; deployments should calibrate ({@code consentry calibrate}).
     */
    static final double THRESHOLD = 0.92;

    static final List<Path> BUSH = TestEngine.lfw("George_W_Bush");
    static final List<Path> POWELL = TestEngine.lfw("Colin_Powell");
    static final List<Path> BLAIR = TestEngine.lfw("Tony_Blair");
    static final List<Path> AARON = TestEngine.lfw("Aaron_Eckhart");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.now());
    DeploymentKeys keys;
    GalleryService service;

    @BeforeEach
    void start() throws Exception {
        keys = DeploymentKeys.loadOrCreate(dir.resolve("keys/deployment.key"));
        service = open();
    }

    GalleryService open() throws Exception {
        return new GalleryService(SqliteGalleryStore.builder().setDatabase(dir.resolve("gallery.db")).setKeys(keys).optClock(clock).build(),
                TestEngine.get(), GalleryServiceOptions.builder().optClock(clock).optRetentionInterval(Duration.ZERO).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    static ImageInput img(Path p) {
        return ImageInput.encoded(TestEngine.bytes(p), p.getFileName().toString());
    }

    Subject consenting(String name, Purpose purpose, Optional<Instant> expires) throws GalleryException {
        Subject s = service.createSubject(ENROLLER, SubjectSpec.of(name));
        service.recordConsent(ENROLLER, ConsentSpec.signedForm(s.id(), Set.of(purpose), clock.instant(), expires, Fixtures.sha256("form " + name)));
        return s;
    }

    List<AuditRecord> audit() throws GalleryException {
        return service.store().readAudit(1, 10_000);
    }

    // -------------------------------------------------------------------------------------------------------------

    @Test
    void anotherProcessSeesEnrolmentsAndErasuresBeforeItsNextSearch() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        // a second service on the same database file, as a running server is beside a CLI
        try (GalleryService server = open()) {
            Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.empty());
            service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(0)));
            assertEquals(Optional.of(bush.id()), server.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 1).bestMatch().map(Candidate::subjectId),
                    "an enrolment made elsewhere is searchable without a reload");
            service.eraseSubject(ENROLLER, bush.id());
            assertTrue(server.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 1).candidates().isEmpty(),
                    "an erasure made elsewhere is honoured before the next search");
            // the server's own enrolments are not applied twice
            Subject again = server.createSubject(ENROLLER, SubjectSpec.of("Bush again"));
            server.recordConsent(ENROLLER, ConsentSpec.signedForm(again.id(), Set.of(Purpose.ACCESS_CONTROL), clock.instant(), Optional.empty(),
                    Fixtures.sha256("form again")));
            server.enrol(ENROLLER, again.id(), doors.id(), img(BUSH.get(0)));
            IdentifyResult r = server.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 5);
            assertEquals(1, r.candidates().size(), r.candidates().toString());
            // a key rotation elsewhere re-encrypts every template: the server keeps its own consistent index
            service.rotateKeys(ADMIN);
            assertEquals(Optional.of(again.id()), server.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 1).bestMatch().map(Candidate::subjectId));
        }
    }

    @Test
    void enrolVerifyIdentifyAndRestart() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.empty());
        Subject powell = consenting("Powell", Purpose.ACCESS_CONTROL, Optional.empty());
        Subject blair = consenting("Blair", Purpose.ACCESS_CONTROL, Optional.empty());
        Enrolment e = service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(0)));
        service.enrol(ENROLLER, powell.id(), doors.id(), img(POWELL.get(0)));
        service.enrol(ENROLLER, blair.id(), doors.id(), img(BLAIR.get(0)));
        assertTrue(e.quality() > 0.5 && e.quality() <= 1, "quality " + e.quality());
        assertEquals(service.modelId(), service.store().template(e.templateId()).modelId());

        VerifyResult same = service.verify(OPERATOR, doors.id(), bush.id(), img(BUSH.get(1)));
        assertTrue(same.match(), "two photos of one person: " + same.similarity());
        VerifyResult other = service.verify(OPERATOR, doors.id(), bush.id(), img(AARON.get(0)));
        assertFalse(other.match(), "another person: " + other.similarity());
        assertTrue(other.similarity() < same.similarity());

        IdentifyResult id = service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 3);
        assertEquals(3, id.candidates().size());
        assertEquals(bush.id(), id.candidates().get(0).subjectId());
        assertEquals(MatchStatus.MATCH, id.candidates().get(0).status());
        assertEquals(same.similarity(), id.candidates().get(0).similarity(), 1e-5, "1:N and 1:1 agree");
        assertTrue(id.candidates().subList(1, 3).stream().noneMatch(Candidate::match));
        assertEquals(Optional.of(id.candidates().get(0)), id.bestMatch());
        assertEquals(Optional.empty(), id.reviewCaseId());
        assertTrue(service.store().subject(bush.id()).lastInteractionAt().isAfter(bush.createdAt().minusMillis(1)));

        // restart: the index is rebuilt from the store, in the protected space
        service.close();
        service = open();
        IdentifyResult again = service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 1);
        assertEquals(bush.id(), again.candidates().get(0).subjectId());
        assertEquals(id.candidates().get(0).similarity(), again.candidates().get(0).similarity(), 1e-6);

        // audit: every operation recorded with actor, role, collection, image hash, candidates and scores
        List<AuditRecord> log = audit();
        AuditRecord identify = log.stream().filter(r -> r.entry().action() == AuditAction.IDENTIFY).findFirst().orElseThrow();
        assertEquals("operator-1", identify.entry().actorId());
        assertEquals(Optional.of(Role.OPERATOR), identify.entry().role());
        assertEquals(Optional.of(doors.id()), identify.entry().collectionId());
        assertEquals(Optional.of(Purpose.ACCESS_CONTROL), identify.entry().purpose());
        assertEquals(64, identify.entry().inputImageSha256().orElseThrow().length());
        assertEquals(3, identify.entry().candidates().size());
        assertEquals(bush.id(), identify.entry().candidates().get(0).id());
        assertEquals(2, log.stream().filter(r -> r.entry().action() == AuditAction.VERIFY).count());
        assertEquals(3, log.stream().filter(r -> r.entry().action() == AuditAction.ENROL).count());
        assertTrue(service.verifyAudit(AUDITOR).intact());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = service.exportAudit(AUDITOR, out);
        String jsonl = out.toString(StandardCharsets.UTF_8);
        assertEquals(n, jsonl.lines().count());
        Set<String> allowed = Set.of("seq", "at", "atMillis", "actor", "role", "action", "outcome", "collection", "purpose", "subject",
                "object", "imageSha256", "candidates", "detail", "prevHash", "hash");
        ObjectMapper json = new ObjectMapper();
        for (String line : jsonl.lines().toList()) {
            JsonNode node = json.readTree(line);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                assertTrue(allowed.contains(it.next()), line);
            }
            for (JsonNode c : node.get("candidates")) {
                assertEquals(Set.of("id", "score"), Set.copyOf(iterable(c.fieldNames())), "candidates are ids and scores only");
            }
        }
        assertTrue(jsonl.lines().toList().get((int) n - 1).contains("\"audit-export\""), "the export includes its own record");
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void enrolmentRefusals() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject noConsent = service.createSubject(ENROLLER, SubjectSpec.of("No Consent"));
        ConsentRequiredException c = assertThrows(ConsentRequiredException.class,
                () -> service.enrol(ENROLLER, noConsent.id(), doors.id(), img(BUSH.get(0))));
        assertEquals(ErrorCode.CONSENT_REQUIRED, c.code());

        Subject s = consenting("Ann", Purpose.ACCESS_CONTROL, Optional.empty());
        InvalidInputException multi = assertThrows(InvalidInputException.class,
                () -> service.enrol(ENROLLER, s.id(), doors.id(), img(TestEngine.sample(1))));
        assertEquals(ErrorCode.MULTIPLE_FACES, multi.code());

        RgbImage blank = new RgbImage(160, 160, new byte[160 * 160 * 3]);
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> service.enrol(ENROLLER, s.id(), doors.id(), ImageInput.of(blank)));
        assertEquals(ErrorCode.NO_FACE, none.code());

        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> service.enrol(ENROLLER, s.id(), doors.id(), ImageInput.encoded("not an image".getBytes(), "x.jpg")));
        assertEquals(ErrorCode.BAD_IMAGE, bad.code());

        assertThrows(NotFoundException.class, () -> service.enrol(ENROLLER, "ghost", doors.id(), img(BUSH.get(0))));
        assertThrows(NotFoundException.class, () -> service.enrol(ENROLLER, s.id(), "ghost", img(BUSH.get(0))));
        assertTrue(service.store().templatesOfSubject(s.id()).isEmpty());

        // every refusal is audited, with its reason
        List<AuditRecord> refused = audit().stream().filter(r -> r.entry().action() == AuditAction.ENROL).toList();
        assertEquals(6, refused.size());
        assertTrue(refused.stream().allMatch(r -> r.entry().outcome() == AuditOutcome.REFUSED));
        assertTrue(refused.get(1).entry().detail().contains("faces"), refused.get(1).entry().detail());
        assertTrue(refused.get(1).entry().inputImageSha256().isPresent());
    }

    @Test
    void withdrawalAndExpiryRemoveTemplatesFromSearch() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.of(clock.instant().plus(Duration.ofDays(10))));
        Subject powell = consenting("Powell", Purpose.ACCESS_CONTROL, Optional.empty());
        service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(0)));
        service.enrol(ENROLLER, powell.id(), doors.id(), img(POWELL.get(0)));
        assertEquals(List.of(bush.id(), powell.id()), subjects(service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 5)));

        Consent powellConsent = service.consents(ENROLLER, powell.id()).get(0);
        assertEquals(1, service.withdrawConsent(ENROLLER, powellConsent.id()).removedTemplates().size());
        assertEquals(List.of(bush.id()), subjects(service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 5)));

        clock.advance(Duration.ofDays(11));
        assertEquals(1, service.purgeExpired(clock.instant()).consentLapsed().size());
        assertEquals(List.of(), service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 5).candidates());
        AuditRecord expired = audit().stream().filter(r -> r.entry().action() == AuditAction.CONSENT_EXPIRED).findFirst().orElseThrow();
        assertEquals(Actor.SYSTEM_ID, expired.entry().actorId());
        assertEquals(Optional.of(bush.id()), expired.entry().subjectId());
        assertTrue(audit().stream().anyMatch(r -> r.entry().action() == AuditAction.CONSENT_WITHDRAW
                && r.entry().detail().contains("1 templates removed")));
    }

    private static List<String> subjects(IdentifyResult r) {
        return r.candidates().stream().map(Candidate::subjectId).toList();
    }

    @Test
    void erasureRemovesTheSubjectFromSearchAndStorage() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.empty());
        service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(0)));
        service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(2)));
        ErasureReport r = service.eraseSubject(ENROLLER, bush.id());
        assertEquals(2, r.removedTemplates().size());
        assertTrue(r.scrubbed());
        assertEquals(List.of(), service.identify(OPERATOR, doors.id(), img(BUSH.get(1)), 5).candidates());
        assertThrows(NotFoundException.class, () -> service.verify(OPERATOR, doors.id(), bush.id(), img(BUSH.get(1))));
        assertEquals(1, service.consents(ENROLLER, bush.id()).size(), "consent evidence (hash) stays");
        assertTrue(audit().stream().anyMatch(r2 -> r2.entry().action() == AuditAction.SUBJECT_ERASE && r2.entry().outcome() == AuditOutcome.OK));
    }

    @Test
    void watchlistHitsAreOnlyCandidatesUntilTwoReviewersConfirm() throws Exception {
        Collection wl = service.createCollection(ADMIN, CollectionSpec.of("wanted", Purpose.WATCHLIST, THRESHOLD));
        Subject bush = service.createSubject(ENROLLER, SubjectSpec.of("Person of interest"));
        service.recordConsent(ENROLLER, ConsentSpec.legalBasis(bush.id(), Set.of(Purpose.WATCHLIST), "Court order 17/2025", clock.instant(),
                Optional.empty(), Optional.of(Fixtures.sha256("order"))));
        service.enrol(ENROLLER, bush.id(), wl.id(), img(BUSH.get(0)));

        AccessDeniedException none = assertThrows(AccessDeniedException.class, () -> service.identify(OPERATOR, wl.id(), img(BUSH.get(1)), 5));
        assertEquals(ErrorCode.AUTHORISATION_REQUIRED, none.code());

        Instant now = clock.instant();
        service.createAuthorisation(ADMIN, new AuthorisationSpec("District Court", "Warrant 1", Set.of(wl.id()), Set.of("cam-1"),
                now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
        AccessDeniedException expired = assertThrows(AccessDeniedException.class,
                () -> service.identify(OPERATOR, wl.id(), img(BUSH.get(1)), 5, Optional.of("cam-1")));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());

        Authorisation valid = service.createAuthorisation(ADMIN, new AuthorisationSpec("District Court", "Warrant 2", Set.of(wl.id()),
                Set.of("cam-1"), now, now.plus(Duration.ofDays(30))));
        AccessDeniedException wrongSource = assertThrows(AccessDeniedException.class,
                () -> service.identify(OPERATOR, wl.id(), img(BUSH.get(1)), 5, Optional.of("cam-9")));
        assertTrue(wrongSource.getMessage().contains("cam-9"), wrongSource.getMessage());
        assertThrows(InvalidInputException.class, () -> service.verify(OPERATOR, wl.id(), bush.id(), img(BUSH.get(1))));

        IdentifyResult hit = service.identify(OPERATOR, wl.id(), img(BUSH.get(1)), 5, Optional.of("cam-1"));
        assertEquals(1, hit.candidates().size());
        assertEquals(MatchStatus.REVIEW_CANDIDATE, hit.candidates().get(0).status());
        assertFalse(hit.candidates().get(0).match(), "a watchlist hit is never reported as a match");
        assertEquals(Optional.empty(), hit.bestMatch());
        String caseId = hit.reviewCaseId().orElseThrow();
        ReviewCase rc = service.reviewCase(REVIEWER_A, caseId);
        assertEquals(ReviewStatus.PENDING, rc.status());
        assertEquals(valid.id(), rc.authorisationId());
        assertEquals(Optional.of("cam-1"), rc.source());

        // a non-reviewer cannot confirm; the same reviewer cannot confirm twice; two different reviewers can
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(AccessDeniedException.class,
                () -> service.review(OPERATOR, caseId, Verdict.CONFIRM, Optional.of(bush.id()))).code());
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(AccessDeniedException.class,
                () -> service.review(ADMIN, caseId, Verdict.CONFIRM, Optional.of(bush.id()))).code());
        assertEquals(ReviewStatus.PENDING, service.review(REVIEWER_A, caseId, Verdict.CONFIRM, Optional.of(bush.id())).status());
        assertThrows(ConflictException.class, () -> service.review(REVIEWER_A, caseId, Verdict.CONFIRM, Optional.of(bush.id())));
        assertEquals(ReviewStatus.PENDING, service.reviewCase(REVIEWER_B, caseId).status());
        ReviewCase confirmed = service.review(REVIEWER_B, caseId, Verdict.CONFIRM, Optional.of(bush.id()));
        assertEquals(ReviewStatus.CONFIRMED, confirmed.status());
        assertEquals(Optional.of(bush.id()), confirmed.confirmedSubjectId());

        // someone else: no hit, no case
        IdentifyResult miss = service.identify(OPERATOR, wl.id(), img(AARON.get(0)), 5, Optional.of("cam-1"));
        assertEquals(List.of(), miss.candidates());
        assertEquals(Optional.empty(), miss.reviewCaseId());

        List<AuditRecord> log = audit();
        assertEquals(3, log.stream().filter(r -> r.entry().action() == AuditAction.IDENTIFY && r.entry().outcome() == AuditOutcome.REFUSED).count());
        assertEquals(1, log.stream().filter(r -> r.entry().action() == AuditAction.REVIEW_OPEN).count());
        assertEquals(2, log.stream().filter(r -> r.entry().action() == AuditAction.REVIEW_DECIDE && r.entry().outcome() == AuditOutcome.DENIED).count());
        assertTrue(service.verifyAudit(AUDITOR).intact());
    }

    @Test
    void rotationAndRekeyKeepSearchWorking() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.empty());
        service.enrol(ENROLLER, bush.id(), doors.id(), img(BUSH.get(0)));
        ImageInput probe = img(BUSH.get(1));
        String key0 = service.store().activeKeyId();
        service.rotateKeys(ADMIN);
        double afterRotate = service.identify(OPERATOR, doors.id(), probe, 1).candidates().get(0).similarity();
        service.rekey(ADMIN);
        assertTrue(!key0.equals(service.store().activeKeyId()));
        IdentifyResult afterRekey = service.identify(OPERATOR, doors.id(), probe, 1);
        assertEquals(bush.id(), afterRekey.candidates().get(0).subjectId());
        assertEquals(afterRotate, afterRekey.candidates().get(0).similarity(), 1e-5, "the new transform preserves similarity");
        assertTrue(afterRekey.candidates().get(0).match());
        assertThrows(AccessDeniedException.class, () -> service.rekey(ENROLLER));
        assertTrue(audit().stream().anyMatch(r -> r.entry().action() == AuditAction.KEY_REKEY && r.entry().outcome() == AuditOutcome.OK));
    }

    @Test
    void concurrentEnrolmentOfOneSubjectGivesCleanConflicts() throws Exception {
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject bush = consenting("Bush", Purpose.ACCESS_CONTROL, Optional.empty());
        List<ImageInput> images = List.of(img(BUSH.get(0)), img(BUSH.get(2)), img(BUSH.get(0)), img(BUSH.get(2)));
        ExecutorService pool = Executors.newFixedThreadPool(images.size());
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> ok = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> conflicts = new ConcurrentLinkedQueue<>();
        List<Future<?>> fs = new ArrayList<>();
        for (ImageInput image : images) {
            fs.add(pool.submit(() -> {
                go.await();
                try {
                    ok.add(service.enrol(ENROLLER, bush.id(), doors.id(), image).templateId());
                } catch (ConflictException e) {
                    conflicts.add(e);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(2, ok.size(), "each distinct image enrolled once");
        assertEquals(2, conflicts.size(), "duplicates refused cleanly");
        assertEquals(Set.copyOf(ok), Set.copyOf(service.store().templatesOfSubject(bush.id()).stream().map(t -> t.id()).toList()));
        VerifyResult v = service.verify(OPERATOR, doors.id(), bush.id(), img(BUSH.get(1)));
        assertEquals(2, v.templatesCompared(), "both templates are in the index, no stale entries");
        assertTrue(service.verifyAudit(AUDITOR).intact());
    }

    @Test
    void theSchedulerPurgesExpiredConsentByItself() throws Exception {
        service.close();
        service = new GalleryService(SqliteGalleryStore.builder().setDatabase(dir.resolve("gallery.db")).setKeys(keys).optClock(clock).build(),
                TestEngine.get(), GalleryServiceOptions.builder().optClock(clock).optRetentionInterval(Duration.ofMillis(100)).build());
        Collection doors = service.createCollection(ADMIN, CollectionSpec.of("doors", Purpose.ACCESS_CONTROL, THRESHOLD));
        Subject s = consenting("Ann", Purpose.ACCESS_CONTROL, Optional.of(clock.instant().plus(Duration.ofDays(1))));
        service.store().enrol(NewTemplate.of(s.id(), doors.id(), service.modelId(), Fixtures.unitVector(new java.util.Random(1), 128), 0.9,
                Fixtures.sha256("x")), io.consentry.store.audit.AuditEntry.builder("t", Role.ENROLLER, AuditAction.ENROL).build());
        clock.advance(Duration.ofDays(2));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!service.store().templatesOfSubject(s.id()).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(service.store().templatesOfSubject(s.id()).isEmpty(), "the scheduler did not purge");
        assertTrue(audit().stream().anyMatch(r -> r.entry().action() == AuditAction.CONSENT_EXPIRED && r.entry().actorId().equals("system")));
    }

    @Test
    void apiKeysAuthenticateAndLoginFailuresAreAudited() throws Exception {
        var admin = service.bootstrapAdmin("first admin");
        assertThrows(ConflictException.class, () -> service.bootstrapAdmin("second"));
        Actor a = service.authenticate(admin.secret(), "127.0.0.1");
        assertEquals(Role.ADMIN, a.role());
        assertEquals(admin.key().id(), a.id());
        var op = service.createApiKey(a, "door 3", Role.OPERATOR);
        assertEquals(new Actor(op.key().id(), Role.OPERATOR), service.authenticate(op.secret(), "10.0.0.3"));

        AccessDeniedException bad = assertThrows(AccessDeniedException.class, () -> service.authenticate(op.secret() + "x", "10.0.0.9"));
        assertEquals(ErrorCode.UNAUTHENTICATED, bad.code());
        assertEquals(401, bad.code().httpStatus());
        service.revokeApiKey(a, op.key().id());
        assertThrows(AccessDeniedException.class, () -> service.authenticate(op.secret(), "10.0.0.3"));
        service.recordLoginFailure("10.0.0.10", "no Authorization header");

        List<AuditRecord> failures = audit().stream().filter(r -> r.entry().action() == AuditAction.LOGIN_FAILED).toList();
        assertEquals(3, failures.size());
        assertTrue(failures.stream().allMatch(r -> r.entry().actorId().equals(GalleryService.ANONYMOUS) && r.entry().role().isEmpty()));
        assertTrue(failures.get(0).entry().detail().contains("10.0.0.9"));
        assertTrue(failures.get(0).entry().detail().contains(op.key().id()), "the claimed key id, never the secret");
        String all = audit().toString();
        assertFalse(all.contains(op.secret()) || all.contains(admin.secret()), "secrets never reach the audit log");
    }
}
