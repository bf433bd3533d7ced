package io.consentry.store;

import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;
import io.consentry.store.testing.Fixtures;
import io.consentry.store.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.consentry.store.testing.Fixtures.audit;
import static io.consentry.store.testing.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executable contract of {@link GalleryStore}: every implementation (SQLite now, a distributed backend later)
 * extends this class and supplies a fresh, empty store. Uses only the interface.
 *
 * <pre>{@code
 * class PostgresGalleryStoreTest extends GalleryStoreContractTest {
 *     protected GalleryStore openStore(Clock clock) { return PostgresGalleryStore.open(testDb(), clock); }
 * }
 * }</pre>
 */
public abstract class GalleryStoreContractTest {
    protected static final int DIM = 128;
    protected final MutableClock clock = new MutableClock();
    protected final Random rnd = new Random(42);
    protected GalleryStore store;

    /** A fresh, empty store using {@code clock} for every timestamp. */
    protected abstract GalleryStore openStore(Clock clock) throws Exception;

    @BeforeEach
    void openFreshStore() throws Exception {
        store = openStore(clock);
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    protected Collection collection(String name, Purpose purpose) throws GalleryException {
        return store.createCollection(CollectionSpec.of(name, purpose, 0.8), audit(AuditAction.COLLECTION_CREATE));
    }

    protected Subject subject(String name) throws GalleryException {
        return store.createSubject(SubjectSpec.of(name), audit(AuditAction.SUBJECT_CREATE));
    }

    protected Consent consent(Subject s, Purpose p, Optional<Instant> expires) throws GalleryException {
        return store.recordConsent(ConsentSpec.signedForm(s.id(), Set.of(p), clock.instant(), expires, sha256("form-" + s.id())), "enroller-1",
                audit(AuditAction.CONSENT_RECORD));
    }

    protected StoredTemplate enrol(Subject s, Collection c, float[] v, String image) throws GalleryException {
        return store.enrol(NewTemplate.of(s.id(), c.id(), "test-model", v, 0.9, sha256(image)), audit(AuditAction.ENROL));
    }

    private long auditCount() throws GalleryException {
        return store.auditHead().seq();
    }

    // ---- collections --------------------------------------------------------------------------------------------

    @Test
    void collectionsAreCreatedListedUpdatedAndDeleted() throws Exception {
        Collection a = collection("doors", Purpose.ACCESS_CONTROL);
        Collection b = collection("events", Purpose.EVENT_CHECK_IN);
        assertEquals(a, store.collection(a.id()));
        assertEquals(List.of(a.id(), b.id()), store.collections().stream().map(Collection::id).toList());
        assertEquals(CollectionSpec.MAX_RETENTION, a.retention());
        assertThrows(ConflictException.class, () -> collection("doors", Purpose.PHOTO_LIBRARY));

        Collection changed = store.updateCollection(a.id(), a.spec().withMatchThreshold(0.9).withRetention(Duration.ofDays(30)),
                audit(AuditAction.COLLECTION_UPDATE));
        assertEquals(0.9, changed.matchThreshold());
        assertEquals(Duration.ofDays(30), store.collection(a.id()).retention());

        store.deleteCollection(b.id(), audit(AuditAction.COLLECTION_DELETE));
        assertThrows(NotFoundException.class, () -> store.collection(b.id()));
        NotFoundException e = assertThrows(NotFoundException.class, () -> store.collection("no-such-id"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals(404, e.code().httpStatus());
    }

    @Test
    void purposeCannotChangeOnceTemplatesExist() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        enrol(s, c, Fixtures.unitVector(rnd, DIM), "img1");
        CollectionSpec other = new CollectionSpec("doors", Purpose.PHOTO_LIBRARY, c.retention(), 0.8, false);
        assertThrows(ConflictException.class, () -> store.updateCollection(c.id(), other, audit(AuditAction.COLLECTION_UPDATE)));
    }

    @Test
    void deletingACollectionDeletesItsTemplates() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "img1");
        List<TemplateRef> removed = store.deleteCollection(c.id(), audit(AuditAction.COLLECTION_DELETE));
        assertEquals(List.of(t.ref()), removed);
        assertThrows(NotFoundException.class, () -> store.template(t.id()));
        assertTrue(store.templatesOfSubject(s.id()).isEmpty());
    }

    // ---- subjects and consent -----------------------------------------------------------------------------------

    @Test
    void subjectsHaveUniqueExternalIds() throws Exception {
        Subject s = store.createSubject(SubjectSpec.of("Ann Smith", "EMP-1"), audit(AuditAction.SUBJECT_CREATE));
        assertEquals(s, store.subject(s.id()));
        assertEquals(Optional.of(s), store.findSubjectByExternalId("EMP-1"));
        assertEquals(Optional.empty(), store.findSubjectByExternalId("EMP-2"));
        assertThrows(ConflictException.class, () -> store.createSubject(SubjectSpec.of("Other", "EMP-1"), audit(AuditAction.SUBJECT_CREATE)));
        assertThrows(NotFoundException.class, () -> store.subject("nope"));
        assertEquals(List.of(s), store.subjects(0, 10));
    }

    @Test
    void enrolmentRequiresAValidConsentForTheCollectionsPurpose() throws Exception {
        Collection doors = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        float[] v = Fixtures.unitVector(rnd, DIM);
        long before = auditCount();
        ConsentRequiredException none = assertThrows(ConsentRequiredException.class, () -> enrol(s, doors, v, "a"));
        assertEquals(ErrorCode.CONSENT_REQUIRED, none.code());
        assertEquals(before, auditCount(), "a refused enrolment appends nothing (the caller audits the refusal)");

        consent(s, Purpose.PHOTO_LIBRARY, Optional.empty()); // wrong purpose
        assertThrows(ConsentRequiredException.class, () -> enrol(s, doors, v, "a"));

        // expired consent
        store.recordConsent(ConsentSpec.inApp(s.id(), Set.of(Purpose.ACCESS_CONTROL), clock.instant().minus(Duration.ofDays(10)),
                Optional.of(clock.instant().minus(Duration.ofDays(1))), Optional.empty()), "e", audit(AuditAction.CONSENT_RECORD));
        assertThrows(ConsentRequiredException.class, () -> enrol(s, doors, v, "a"));

        // consent given in the future is not yet valid
        store.recordConsent(ConsentSpec.inApp(s.id(), Set.of(Purpose.ACCESS_CONTROL), clock.instant().plus(Duration.ofDays(1)),
                Optional.empty(), Optional.empty()), "e", audit(AuditAction.CONSENT_RECORD));
        assertThrows(ConsentRequiredException.class, () -> enrol(s, doors, v, "a"));

        clock.advance(Duration.ofDays(2));
        StoredTemplate t = enrol(s, doors, v, "a");
        assertEquals(s.id(), t.subjectId());
    }

    @Test
    void legalBasisCoversWatchlistEnrolment() throws Exception {
        Collection wl = collection("wanted", Purpose.WATCHLIST);
        Subject s = subject("Suspect");
        store.recordConsent(ConsentSpec.legalBasis(s.id(), Set.of(Purpose.WATCHLIST), "Court order 2025/17", clock.instant(),
                Optional.empty(), Optional.of(sha256("order"))), "admin", audit(AuditAction.CONSENT_RECORD));
        assertEquals(wl.id(), enrol(s, wl, Fixtures.unitVector(rnd, DIM), "a").collectionId());
        List<Consent> ks = store.consents(s.id());
        assertEquals(ConsentBasis.LEGAL_BASIS, ks.get(0).basis());
        assertEquals(Optional.of("Court order 2025/17"), ks.get(0).legalReference());
    }

    @Test
    void unknownIdsAreNotFound() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        float[] v = Fixtures.unitVector(rnd, DIM);
        assertThrows(NotFoundException.class, () -> store.enrol(NewTemplate.of("ghost", c.id(), "m", v, 1, sha256("x")), audit(AuditAction.ENROL)));
        assertThrows(NotFoundException.class, () -> store.enrol(NewTemplate.of(s.id(), "ghost", "m", v, 1, sha256("x")), audit(AuditAction.ENROL)));
        assertThrows(NotFoundException.class, () -> store.recordConsent(ConsentSpec.inApp("ghost", Set.of(Purpose.ACCESS_CONTROL),
                clock.instant(), Optional.empty(), Optional.empty()), "e", audit(AuditAction.CONSENT_RECORD)));
        assertThrows(NotFoundException.class, () -> store.withdrawConsent("ghost", clock.instant(), audit(AuditAction.CONSENT_WITHDRAW)));
        assertThrows(NotFoundException.class, () -> store.eraseSubject("ghost", audit(AuditAction.SUBJECT_ERASE)));
        assertThrows(NotFoundException.class, () -> store.template("ghost"));
        assertThrows(NotFoundException.class, () -> store.reviewCase("ghost"));
        assertThrows(NotFoundException.class, () -> store.apiKey("ghost"));
        assertThrows(NotFoundException.class, () -> store.forEachTemplate("ghost", t -> { }));
    }

    // ---- templates ------------------------------------------------------------------------------------------------

    @Test
    void templatesAreReturnedInTheSearchSpaceWithSimilaritiesPreserved() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        float[] a = Fixtures.unitVector(rnd, DIM);
        float[] b = Fixtures.near(rnd, a, 0.05);
        StoredTemplate ta = enrol(s, c, a, "a");
        StoredTemplate tb = enrol(s, c, b, "b");
        List<StoredTemplate> listed = store.templates(c.id());
        assertEquals(List.of(ta.id(), tb.id()), listed.stream().map(StoredTemplate::id).toList());
        assertEquals(ta, listed.get(0));
        float[] qa = store.toSearchSpace(a);
        assertArrayEquals(qa, listed.get(0).descriptor(), 1e-6f);
        assertTrue(Math.abs(Fixtures.cos(listed.get(0).descriptor(), listed.get(1).descriptor()) - Fixtures.cos(a, b)) < 1e-5);
        assertTrue(Math.abs(Fixtures.dot(store.toSearchSpace(b), listed.get(0).descriptor()) - Fixtures.dot(a, b)) < 1e-5);
        assertEquals("test-model", ta.modelId());
        assertEquals(sha256("a"), ta.sourceImageSha256());
        assertFalse(ta.hasSourceImage());
        assertEquals(Optional.empty(), store.sourceImage(ta.id()));
        assertEquals(List.of(ta.id(), tb.id()), store.templatesOfSubject(s.id()).stream().map(StoredTemplate::id).toList());
    }

    @Test
    void theSameImageIsEnrolledOncePerSubjectAndCollection() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        enrol(s, c, Fixtures.unitVector(rnd, DIM), "same");
        ConflictException e = assertThrows(ConflictException.class, () -> enrol(s, c, Fixtures.unitVector(rnd, DIM), "same"));
        assertEquals(409, e.code().httpStatus());
    }

    @Test
    void sourceImagesAreKeptOnlyWhenTheCollectionOptsIn() throws Exception {
        Collection plain = collection("doors", Purpose.ACCESS_CONTROL);
        Collection keeps = store.createCollection(CollectionSpec.of("album", Purpose.PHOTO_LIBRARY, 0.8).withStoreSourceImages(true),
                audit(AuditAction.COLLECTION_CREATE));
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        consent(s, Purpose.PHOTO_LIBRARY, Optional.empty());
        byte[] jpeg = "pretend-jpeg-bytes".getBytes();
        assertThrows(InvalidInputException.class, () -> store.enrol(new NewTemplate(s.id(), plain.id(), "m", Fixtures.unitVector(rnd, DIM),
                0.5, sha256("x"), Optional.of(jpeg)), audit(AuditAction.ENROL)));
        StoredTemplate t = store.enrol(new NewTemplate(s.id(), keeps.id(), "m", Fixtures.unitVector(rnd, DIM), 0.5, sha256("x"),
                Optional.of(jpeg)), audit(AuditAction.ENROL));
        assertTrue(t.hasSourceImage());
        assertArrayEquals(jpeg, store.sourceImage(t.id()).orElseThrow());
    }

    @Test
    void descriptorsMustBeUnitVectors() {
        float[] v = new float[DIM];
        v[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> NewTemplate.of("s", "c", "m", v, 1, sha256("x")));
    }

    // ---- withdrawal, erasure, retention ---------------------------------------------------------------------------

    @Test
    void withdrawingConsentRemovesTheTemplatesItCovered() throws Exception {
        Collection doors = collection("doors", Purpose.ACCESS_CONTROL);
        Collection album = collection("album", Purpose.PHOTO_LIBRARY);
        Subject s = subject("Ann");
        Consent k1 = consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        consent(s, Purpose.PHOTO_LIBRARY, Optional.empty());
        StoredTemplate t1 = enrol(s, doors, Fixtures.unitVector(rnd, DIM), "a");
        StoredTemplate t2 = enrol(s, album, Fixtures.unitVector(rnd, DIM), "b");

        ConsentChange ch = store.withdrawConsent(k1.id(), clock.instant(), audit(AuditAction.CONSENT_WITHDRAW));
        assertEquals(List.of(t1.ref()), ch.removedTemplates());
        assertTrue(ch.consent().withdrawnAt().isPresent());
        assertThrows(NotFoundException.class, () -> store.template(t1.id()));
        assertEquals(t2, store.template(t2.id()));
        assertThrows(ConflictException.class, () -> store.withdrawConsent(k1.id(), clock.instant(), audit(AuditAction.CONSENT_WITHDRAW)));
        assertThrows(ConsentRequiredException.class, () -> enrol(s, doors, Fixtures.unitVector(rnd, DIM), "c"));
    }

    @Test
    void erasureDeletesTemplatesAndTheSubjectButKeepsConsentHashes() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = store.createSubject(SubjectSpec.of("Ann", "EMP-7"), audit(AuditAction.SUBJECT_CREATE));
        Consent k = consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "a");
        Subject other = subject("Bob");
        consent(other, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate kept = enrol(other, c, Fixtures.unitVector(rnd, DIM), "b");

        ErasureReport r = store.eraseSubject(s.id(), audit(AuditAction.SUBJECT_ERASE));
        assertEquals(List.of(t.ref()), r.removedTemplates());
        assertEquals(1, r.consentsRetained());
        assertThrows(NotFoundException.class, () -> store.subject(s.id()));
        assertEquals(Optional.empty(), store.findSubjectByExternalId("EMP-7"));
        assertThrows(NotFoundException.class, () -> store.template(t.id()));
        assertEquals(List.of(kept.id()), store.templates(c.id()).stream().map(StoredTemplate::id).toList());
        Consent evidence = store.consent(k.id());
        assertEquals(k.evidenceSha256(), evidence.evidenceSha256());
        assertTrue(evidence.withdrawnAt().isPresent(), "an erased subject's consent is no longer in force");
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void purgeRemovesTemplatesWhoseConsentExpired() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.of(clock.instant().plus(Duration.ofDays(30))));
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "a");
        assertTrue(store.purgeExpired(clock.instant(), audit(AuditAction.RETENTION_PURGE)).isEmpty());

        clock.advance(Duration.ofDays(31));
        long before = auditCount();
        PurgeReport r = store.purgeExpired(clock.instant(), AuditEntry.builder("system", Role.ADMIN, AuditAction.RETENTION_PURGE).build());
        assertEquals(List.of(t.ref()), r.consentLapsed());
        assertThrows(NotFoundException.class, () -> store.template(t.id()));
        List<AuditRecord> logged = store.readAudit(before + 1, 10);
        assertEquals(1, logged.size());
        assertEquals(AuditAction.CONSENT_EXPIRED, logged.get(0).entry().action());
        assertEquals(Optional.of(s.id()), logged.get(0).entry().subjectId());
        assertEquals(Optional.of(c.id()), logged.get(0).entry().collectionId());
        assertEquals("system", logged.get(0).entry().actorId());
    }

    @Test
    void purgeAppliesCollectionRetentionFromTheLastInteraction() throws Exception {
        Collection shortLived = store.createCollection(CollectionSpec.of("events", Purpose.EVENT_CHECK_IN, 0.8)
                .withRetention(Duration.ofDays(7)), audit(AuditAction.COLLECTION_CREATE));
        Subject a = subject("Ann");
        Subject b = subject("Bob");
        consent(a, Purpose.EVENT_CHECK_IN, Optional.empty());
        consent(b, Purpose.EVENT_CHECK_IN, Optional.empty());
        StoredTemplate ta = enrol(a, shortLived, Fixtures.unitVector(rnd, DIM), "a");
        enrol(b, shortLived, Fixtures.unitVector(rnd, DIM), "b");

        clock.advance(Duration.ofDays(5));
        store.recordInteraction(b.id(), shortLived.id(), clock.instant()); // Bob was seen again
        clock.advance(Duration.ofDays(3));
        PurgeReport r = store.purgeExpired(clock.instant(), audit(AuditAction.RETENTION_PURGE));
        assertEquals(List.of(ta.ref()), r.retentionExpired());
        assertEquals(1, store.templates(shortLived.id()).size());
        assertEquals(b.id(), store.templates(shortLived.id()).get(0).subjectId());
        assertEquals(List.of(), r.erasedSubjects(), "subjects are kept until the maximum retention");

        // three years without interaction: the subject record itself goes
        clock.advance(CollectionSpec.MAX_RETENTION);
        PurgeReport later = store.purgeExpired(clock.instant(), audit(AuditAction.RETENTION_PURGE));
        assertTrue(later.erasedSubjects().contains(a.id()));
        assertThrows(NotFoundException.class, () -> store.subject(a.id()));
        assertTrue(store.verifyAudit().intact());
    }

    // ---- watchlist authorisation and review -------------------------------------------------------------------

    @Test
    void authorisationsCoverWatchlistCollectionsOnly() throws Exception {
        Collection doors = collection("doors", Purpose.ACCESS_CONTROL);
        Collection wl = collection("wanted", Purpose.WATCHLIST);
        Instant now = clock.instant();
        assertThrows(InvalidInputException.class, () -> store.createAuthorisation(new AuthorisationSpec("Court", "Order 1",
                Set.of(doors.id()), Set.of(), now, now.plus(Duration.ofDays(1))), "admin", audit(AuditAction.AUTHORISATION_CREATE)));
        Authorisation a = store.createAuthorisation(new AuthorisationSpec("Court", "Order 1", Set.of(wl.id()), Set.of("cam-1"),
                now, now.plus(Duration.ofDays(1))), "admin", audit(AuditAction.AUTHORISATION_CREATE));
        assertTrue(a.covers(wl.id(), Optional.of("cam-1"), now));
        assertTrue(a.covers(wl.id(), Optional.empty(), now));
        assertFalse(a.covers(wl.id(), Optional.of("cam-2"), now));
        assertFalse(a.covers(wl.id(), Optional.of("cam-1"), now.plus(Duration.ofDays(2))));
        assertEquals(List.of(a), store.authorisations());
        Authorisation revoked = store.revokeAuthorisation(a.id(), now, audit(AuditAction.AUTHORISATION_REVOKE));
        assertFalse(revoked.covers(wl.id(), Optional.empty(), now));
        assertThrows(ConflictException.class, () -> store.revokeAuthorisation(a.id(), now, audit(AuditAction.AUTHORISATION_REVOKE)));
    }

    private ReviewCase openCase() throws GalleryException {
        Collection wl = collection("wanted-" + rnd.nextInt(1_000_000), Purpose.WATCHLIST);
        Instant now = clock.instant();
        Authorisation a = store.createAuthorisation(new AuthorisationSpec("Court", "Order 1", Set.of(wl.id()), Set.of(),
                now, now.plus(Duration.ofDays(1))), "admin", audit(AuditAction.AUTHORISATION_CREATE));
        return store.openReviewCase(new ReviewCaseSpec(wl.id(), a.id(), sha256("probe"), Optional.of("cam-1"),
                List.of(new ReviewCandidate("subj-1", 0.91), new ReviewCandidate("subj-2", 0.85))), "operator-1",
                audit(AuditAction.REVIEW_OPEN));
    }

    private ReviewDecision confirm(String reviewer, String subject) {
        return new ReviewDecision(reviewer, Verdict.CONFIRM, Optional.of(subject), clock.instant());
    }

    @Test
    void aCaseIsConfirmedOnlyByTwoDifferentReviewers() throws Exception {
        ReviewCase rc = openCase();
        assertEquals(ReviewStatus.PENDING, rc.status());
        ReviewCase after1 = store.decide(rc.id(), confirm("rev-A", "subj-1"), audit(AuditAction.REVIEW_DECIDE));
        assertEquals(ReviewStatus.PENDING, after1.status());
        ConflictException twice = assertThrows(ConflictException.class,
                () -> store.decide(rc.id(), confirm("rev-A", "subj-1"), audit(AuditAction.REVIEW_DECIDE)));
        assertTrue(twice.getMessage().contains("different reviewer"));
        assertEquals(ReviewStatus.PENDING, store.reviewCase(rc.id()).status());

        // a second reviewer confirming a different candidate does not confirm either
        ReviewCase split = store.decide(rc.id(), confirm("rev-B", "subj-2"), audit(AuditAction.REVIEW_DECIDE));
        assertEquals(ReviewStatus.PENDING, split.status());
        ReviewCase done = store.decide(rc.id(), confirm("rev-C", "subj-1"), audit(AuditAction.REVIEW_DECIDE));
        assertEquals(ReviewStatus.CONFIRMED, done.status());
        assertEquals(Optional.of("subj-1"), done.confirmedSubjectId());
        assertEquals(3, done.decisions().size());
        assertThrows(ConflictException.class, () -> store.decide(rc.id(), confirm("rev-D", "subj-1"), audit(AuditAction.REVIEW_DECIDE)));
    }

    @Test
    void oneRejectionClosesACaseAndConfirmationsMustNameACandidate() throws Exception {
        ReviewCase rc = openCase();
        assertThrows(InvalidInputException.class, () -> store.decide(rc.id(), confirm("rev-A", "not-a-candidate"), audit(AuditAction.REVIEW_DECIDE)));
        store.decide(rc.id(), confirm("rev-A", "subj-1"), audit(AuditAction.REVIEW_DECIDE));
        ReviewCase rejected = store.decide(rc.id(), new ReviewDecision("rev-B", Verdict.REJECT, Optional.empty(), clock.instant()),
                audit(AuditAction.REVIEW_DECIDE));
        assertEquals(ReviewStatus.REJECTED, rejected.status());
        assertEquals(Optional.empty(), rejected.confirmedSubjectId());
        assertEquals(List.of(rejected.id()), store.reviewCases(Optional.of(ReviewStatus.REJECTED), 10).stream().map(ReviewCase::id).toList());
        assertTrue(store.reviewCases(Optional.of(ReviewStatus.PENDING), 10).isEmpty());
    }

    // ---- API keys ----------------------------------------------------------------------------------------------------

    @Test
    void apiKeysAuthenticateByHashedSecretAndCanBeRevoked() throws Exception {
        IssuedApiKey k = store.createApiKey("door controller", Role.OPERATOR, audit(AuditAction.API_KEY_CREATE));
        assertTrue(k.secret().startsWith("csk_" + k.key().id() + "_"));
        assertFalse(k.toString().contains(k.secret()));
        assertEquals(Optional.of(k.key()), store.authenticate(k.secret()));
        assertEquals(Optional.empty(), store.authenticate(k.secret() + "x"));
        String last = k.secret().substring(k.secret().length() - 1);
        String tampered = k.secret().substring(0, k.secret().length() - 1) + (last.equals("A") ? "B" : "A"); // always differs
        assertEquals(Optional.empty(), store.authenticate(tampered));
        assertEquals(Optional.empty(), store.authenticate("garbage"));
        assertEquals(Optional.empty(), store.authenticate(""));
        assertEquals(Optional.empty(), store.authenticate(null));
        assertEquals(List.of(k.key()), store.apiKeys());
        ApiKey revoked = store.revokeApiKey(k.key().id(), audit(AuditAction.API_KEY_REVOKE));
        assertTrue(revoked.isRevoked());
        assertEquals(Optional.empty(), store.authenticate(k.secret()));
        assertThrows(ConflictException.class, () -> store.revokeApiKey(k.key().id(), audit(AuditAction.API_KEY_REVOKE)));
    }

    // ---- audit -------------------------------------------------------------------------------------------------------

    @Test
    void everyMutationAppendsExactlyOneChainedAuditRecordInItsTransaction() throws Exception {
        assertEquals(0, auditCount());
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        StoredTemplate t = enrol(s, c, Fixtures.unitVector(rnd, DIM), "a");
        store.appendAudit(AuditEntry.builder("op-1", Role.OPERATOR, AuditAction.IDENTIFY).optCollection(c.id())
                .optImageSha256(sha256("probe")).optCandidates(List.of(new io.consentry.store.audit.AuditCandidate(s.id(), 0.93))).build());
        assertEquals(5, auditCount());
        List<AuditRecord> all = store.readAudit(1, 100);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), all.stream().map(AuditRecord::seq).toList());
        assertEquals(List.of(AuditAction.COLLECTION_CREATE, AuditAction.SUBJECT_CREATE, AuditAction.CONSENT_RECORD, AuditAction.ENROL,
                AuditAction.IDENTIFY), all.stream().map(r -> r.entry().action()).toList());
        assertEquals(Optional.of(t.id()), all.get(3).entry().objectId(), "the store fills in the created object's id");
        assertEquals(Optional.of(c.id()), all.get(0).entry().objectId());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).hash(), all.get(i).prevHash());
        }
        assertEquals(0.93, all.get(4).entry().candidates().get(0).score());
        AuditVerification v = store.verifyAudit();
        assertTrue(v.intact(), v::toString);
        assertEquals(5, v.recordsChecked());
        assertEquals(store.auditHead(), v.head());
        assertEquals(List.of(4L, 5L), store.readAudit(4, 10).stream().map(AuditRecord::seq).toList());
    }

    // ---- concurrency ---------------------------------------------------------------------------------------------

    @Test
    void concurrentEnrolmentOfOneSubjectIsSerialisedWithoutCorruption() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        int threads = 8;
        int perThread = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<Future<?>> fs = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int id = th;
            fs.add(pool.submit(() -> {
                Random r = new Random(id);
                start.await();
                for (int i = 0; i < perThread; i++) {
                    // images 0..perThread-1 are shared by all threads: each is enrolled exactly once
                    String image = (i % 2 == 0) ? "shared-" + i : "own-" + id + "-" + i;
                    try {
                        acknowledged.add(enrol(s, c, Fixtures.unitVector(r, DIM), image).id());
                    } catch (ConflictException e) {
                        // clean refusal of a duplicate
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(unexpected.isEmpty(), () -> "unexpected errors: " + unexpected);
        int shared = (perThread + 1) / 2;
        int own = threads * (perThread / 2);
        assertEquals(shared + own, acknowledged.size());
        List<StoredTemplate> stored = store.templates(c.id());
        assertEquals(Set.copyOf(acknowledged), Set.copyOf(stored.stream().map(StoredTemplate::id).toList()));
        assertEquals(stored.size(), Set.copyOf(stored.stream().map(StoredTemplate::sourceImageSha256).toList()).size());
        AuditVerification v = store.verifyAudit();
        assertTrue(v.intact(), v::toString);
    }

    // ---- keys ----------------------------------------------------------------------------------------------------

    @Test
    void rotationKeepsSearchVectorsAndRekeyMovesThemConsistently() throws Exception {
        Collection c = collection("doors", Purpose.ACCESS_CONTROL);
        Subject s = subject("Ann");
        consent(s, Purpose.ACCESS_CONTROL, Optional.empty());
        float[] a = Fixtures.unitVector(rnd, DIM);
        float[] probe = Fixtures.near(rnd, a, 0.05);
        StoredTemplate t = enrol(s, c, a, "a");
        String key0 = store.activeKeyId();

        store.rotateKey(audit(AuditAction.KEY_ROTATE));
        assertNotEquals(key0, store.activeKeyId());
        assertArrayEquals(t.descriptor(), store.template(t.id()).descriptor(), 0f);
        assertArrayEquals(store.toSearchSpace(probe), store.toSearchSpace(probe), 0f);

        float[] before = store.template(t.id()).descriptor();
        store.rekey(audit(AuditAction.KEY_REKEY));
        float[] after = store.template(t.id()).descriptor();
        assertTrue(Math.abs(Fixtures.cos(before, after)) < 0.5, "a new transform moves the vector: cos " + Fixtures.cos(before, after));
        // search still works: the probe, transformed with the new key, scores as before
        assertEquals(Fixtures.dot(a, probe), Fixtures.dot(store.toSearchSpace(probe), after), 1e-5);
        assertTrue(store.verifyAudit().intact());
        assertEquals(AuditAction.KEY_REKEY, store.readAudit(store.auditHead().seq(), 1).get(0).entry().action());
    }

    @Test
    void aClosedStoreRefusesCalls() throws Exception {
        store.close();
        StorageException e = assertThrows(StorageException.class, () -> store.collections());
        assertEquals(ErrorCode.CLOSED, e.code());
        store = null;
    }
}
