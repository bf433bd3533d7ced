package io.consentry.governance;

import io.consentry.ConsentryException;
import io.consentry.embed.Embedding;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.image.BadImageException;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.store.AccessDeniedException;
import io.consentry.store.ApiKey;
import io.consentry.store.Authorisation;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConflictException;
import io.consentry.store.ConsentRequiredException;
import io.consentry.store.Consent;
import io.consentry.store.ConsentChange;
import io.consentry.store.ConsentSpec;
import io.consentry.store.ErasureReport;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;
import io.consentry.store.GalleryStore;
import io.consentry.store.InvalidInputException;
import io.consentry.store.IssuedApiKey;
import io.consentry.store.NewTemplate;
import io.consentry.store.NotFoundException;
import io.consentry.store.PurgeReport;
import io.consentry.store.Purpose;
import io.consentry.store.ReviewCandidate;
import io.consentry.store.ReviewCase;
import io.consentry.store.ReviewCaseSpec;
import io.consentry.store.ReviewDecision;
import io.consentry.store.ReviewStatus;
import io.consentry.store.Role;
import io.consentry.store.StorageException;
import io.consentry.store.StoredTemplate;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import io.consentry.store.TemplateRef;
import io.consentry.store.TemplateChange;
import io.consentry.store.Verdict;
import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditCandidate;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditJsonl;
import io.consentry.store.audit.AuditOutcome;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * The business layer the REST server and the CLI call: role checks, consent rules, face detection and embedding,
 * per-collection search indexes, watchlist review, retention and the audit trail, over a {@link GalleryStore}.
 *
 * <pre>{@code
 * try (FaceEngine engine = FaceEngine.open();
 *      GalleryService gallery = new GalleryService(SqliteGalleryStore.openDefault(), engine, GalleryServiceOptions.defaults())) {
 *     Actor op = gallery.authenticate(apiKeySecret, "10.0.0.7");
 *     IdentifyResult r = gallery.identify(op, doorsId, ImageInput.encoded(jpegBytes, "cam-3.jpg"), 5);
 *     r.bestMatch().ifPresent(m -> open(m.subjectId()));
 * }
 * }</pre>
 *
 * <h2>Roles</h2>
 * Every method takes the calling {@link Actor} and checks its role against the {@link Permission} matrix (admin:
 * collections, keys, authorisations, rotation; enroller: subjects, consents, enrolment, erasure; operator: detect,
 * verify, identify; reviewer: watchlist cases; auditor: the audit log). A refusal throws
 * {@link AccessDeniedException} ({@link ErrorCode#FORBIDDEN}) and is audited with outcome {@code denied}.
 *
 * <h2>Audit</h2>
 * Every operation appends one audit record (actor, role, collection, purpose, subject, input image hash, candidate ids
 * and scores, outcome), including refusals and failures; state changes are audited in the same transaction as the
 * change. Failed logins are audited by {@link #authenticate} and {@link #recordLoginFailure}. Plain reads of
 * subjects, consents and collections are not audited; reads of the audit log are.
 *
 * <h2>Faces</h2>
 * Images are decoded within the engine's limits. <b>Enrolment refuses</b> images with no face
 * ({@link ErrorCode#NO_FACE}) and with more than one face ({@link ErrorCode#MULTIPLE_FACES}): picking one face of
 * several could enrol a bystander who never consented. <b>Verify and identify</b> use the largest face. Enrolment
 * quality = detector score × {@code min(1, shorter box side / 80 px)}. Nothing but boxes, scores and similarities is
 * ever produced: no attribute, emotion or demographic inference.
 *
 * <h2>Search</h2>
 * One {@link io.consentry.search.TemplateIndex} per collection (default exact {@link io.consentry.search.FlatIndex}),
 * rebuilt from the store at construction, holding the protected search-space vectors {@code Q·v}; probes are
 * transformed with {@link GalleryStore#toSearchSpace}. Templates made by another model pack than the engine's are
 * not indexed (re-enrol them). A candidate is a {@link MatchStatus#MATCH} only at or above the collection's threshold;
 * in a {@link Purpose#WATCHLIST} collection, identify needs a valid {@link Authorisation} covering the collection
 * (and the source, when given), returns only hits at or above the threshold, all as
 * {@link MatchStatus#REVIEW_CANDIDATE}, and opens a {@link ReviewCase}; only two different reviewers confirming the
 * same candidate ({@link #review}) make it an identification. Verify is not offered on watchlists.
 *
 * <h2>Retention</h2>
 * A single daemon thread runs {@link #purgeExpired} every {@link GalleryServiceOptions#retentionInterval()} (default
 * 1 h): templates without a valid consent and templates/subjects past their retention are deleted, each audited.
 *
 * <h2>Threading</h2>
 * Thread-safe. Detection and embedding run in the caller's thread without locks. A mutation and its index update run
 * under one mutation lock (so an erasure can never race an enrolment back into the index); searches do not wait for
 * mutations, only for a rekey (which swaps the search space).
 *
 * <p>{@link #close()} stops the scheduler and closes the store (the service owns it); the engine is borrowed and left
 * open.
 */
public final class GalleryService implements AutoCloseable {
    /** Shorter face-box side (pixels) from which the size factor of enrolment quality is 1. */
    public static final double FULL_QUALITY_FACE_PIXELS = 80;
    /** Actor id recorded for failed logins. */
    public static final String ANONYMOUS = "anonymous";
    private static final System.Logger LOG = System.getLogger(GalleryService.class.getName());

    private final GalleryStore store;
    private final FaceEngine engine;
    private final GalleryServiceOptions options;
    private final Clock clock;
    private final String modelId;
    private final ReentrantLock mutationLock = new ReentrantLock();
    /** Read: searches (probe transform + index). Write: rekey (changes the search space). */
    private final ReentrantReadWriteLock spaceLock = new ReentrantReadWriteLock();
    private final Map<String, CollectionIndex> indexes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    /**
     * Rebuilds every collection's index from {@code store} and starts the retention scheduler.
     *
     * @param store   the gallery store; owned by the service from now on (closed by {@link #close()}, or here if the
     *                service cannot start)
     * @param engine  the face engine (borrowed)
     * @param options settings
     */
    public GalleryService(GalleryStore store, FaceEngine engine, GalleryServiceOptions options) throws GalleryException {
        this.store = Objects.requireNonNull(store, "store");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = options.clock();
        this.modelId = engine.embedder().modelId();
        try {
            int[] counts = rebuildIndexes();
            store.appendAudit(AuditEntry.builder(Actor.SYSTEM_ID, Optional.of(Role.ADMIN), AuditAction.SERVICE_START)
                    .optDetail("indexes rebuilt: " + counts[0] + " templates of model " + modelId + " in " + indexes.size()
                            + " collections" + (counts[1] > 0 ? "; " + counts[1] + " templates of other models not searchable" : ""))
                    .build());
        } catch (GalleryException | RuntimeException e) {
            store.close(); // owned: do not leak it when the service cannot start
            throw e;
        }
        if (!options.retentionInterval().isZero()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "consentry-retention");
                t.setDaemon(true);
                return t;
            });
            long every = options.retentionInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::scheduledPurge, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
        } else {
            scheduler = null;
        }
    }

    /** The model pack id new templates are enrolled with (the engine's). */
    public String modelId() {
        return modelId;
    }

    /** The underlying store (for administration tools; bypasses role checks and audit). */
    public GalleryStore store() {
        return store;
    }

    // =================================================================================================================
    // Authentication

    /**
     * The actor for an API key secret. An unknown, malformed or revoked secret is audited as a failed login and
     * refused with {@link ErrorCode#UNAUTHENTICATED}.
     *
     * @param secret the presented secret
     * @param origin where the request came from (remote address, "cli"), for the audit record
     */
    public Actor authenticate(String secret, String origin) throws GalleryException {
        Optional<ApiKey> key = store.authenticate(secret);
        if (key.isEmpty()) {
            recordLoginFailure(origin, "unknown, malformed or revoked API key" + claimedKeyId(secret).map(id -> " (key id " + id + ")").orElse(""));
            throw new AccessDeniedException(ErrorCode.UNAUTHENTICATED, "unknown or revoked API key");
        }
        return new Actor(key.get().id(), key.get().role());
    }

    /** Audits a failed login the server detected itself (no key, bad header). Never pass the presented secret. */
    public void recordLoginFailure(String origin, String reason) throws GalleryException {
        store.appendAudit(AuditEntry.builder(ANONYMOUS, Optional.empty(), AuditAction.LOGIN_FAILED).optOutcome(AuditOutcome.DENIED)
                .optDetail((origin == null ? "" : "from " + origin + ": ") + reason).build());
    }

    private static Optional<String> claimedKeyId(String secret) {
        if (secret != null && secret.startsWith("csk_") && secret.length() > 21 && secret.charAt(20) == '_'
                && secret.substring(4, 20).chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return Optional.of(secret.substring(4, 20));
        }
        return Optional.empty();
    }

    /**
     * Creates the first admin key of a fresh deployment; {@link ConflictException} once any key exists. Audited with
     * actor {@code "bootstrap"}.
     */
    public synchronized IssuedApiKey bootstrapAdmin(String name) throws GalleryException {
        if (!store.apiKeys().isEmpty()) {
            throw new ConflictException("API keys already exist; an admin creates further keys");
        }
        return store.createApiKey(name, Role.ADMIN, AuditEntry.builder("bootstrap", Optional.of(Role.ADMIN), AuditAction.API_KEY_CREATE)
                .optDetail("first admin key '" + name + "'").build());
    }

    // =================================================================================================================
    // Admin: collections, keys, authorisations

    public Collection createCollection(Actor actor, CollectionSpec spec) throws GalleryException {
        return guarded(actor, Permission.MANAGE_COLLECTIONS, AuditAction.COLLECTION_CREATE, audit -> {
            audit.optPurpose(spec.purpose()).optDetail("name '" + spec.name() + "', threshold " + spec.matchThreshold()
                    + ", retention " + spec.retention().toDays() + " days, source images " + (spec.storeSourceImages() ? "kept" : "not kept"));
            Collection c = store.createCollection(spec, audit.build());
            return c;
        });
    }

    /** Changes threshold, retention or source-image policy (a configuration change, audited). */
    public Collection updateCollection(Actor actor, String collectionId, CollectionSpec spec) throws GalleryException {
        return guarded(actor, Permission.MANAGE_COLLECTIONS, AuditAction.COLLECTION_UPDATE, audit -> {
            audit.optCollection(collectionId).optPurpose(spec.purpose());
            Collection old = store.collection(collectionId);
            audit.optDetail("threshold " + old.matchThreshold() + " -> " + spec.matchThreshold() + ", retention "
                    + old.retention().toDays() + " -> " + spec.retention().toDays() + " days, source images "
                    + old.storeSourceImages() + " -> " + spec.storeSourceImages() + ", name '" + old.name() + "' -> '" + spec.name() + "'");
            return store.updateCollection(collectionId, spec, audit.build());
        });
    }

    /** Deletes a collection and its templates; returns how many templates were removed. */
    public int deleteCollection(Actor actor, String collectionId) throws GalleryException {
        return guarded(actor, Permission.MANAGE_COLLECTIONS, AuditAction.COLLECTION_DELETE, audit -> {
            audit.optCollection(collectionId);
            mutationLock.lock();
            try {
                List<TemplateRef> removed = store.deleteCollection(collectionId, audit.build());
                indexes.remove(collectionId);
                return removed.size();
            } finally {
                mutationLock.unlock();
            }
        });
    }

    public List<Collection> collections(Actor actor) throws GalleryException {
        return guardedRead(actor, Permission.LIST_COLLECTIONS, store::collections);
    }

    public Collection collection(Actor actor, String collectionId) throws GalleryException {
        return guardedRead(actor, Permission.LIST_COLLECTIONS, () -> store.collection(collectionId));
    }

    /** Creates an API key; the secret is in the result only. */
    public IssuedApiKey createApiKey(Actor actor, String name, Role role) throws GalleryException {
        return guarded(actor, Permission.MANAGE_API_KEYS, AuditAction.API_KEY_CREATE, audit -> {
            audit.optDetail("key '" + name + "' with role " + role.wireName());
            return store.createApiKey(name, role, audit.build());
        });
    }

    public ApiKey revokeApiKey(Actor actor, String keyId) throws GalleryException {
        return guarded(actor, Permission.MANAGE_API_KEYS, AuditAction.API_KEY_REVOKE, audit -> {
            audit.optObject(keyId);
            return store.revokeApiKey(keyId, audit.build());
        });
    }

    public List<ApiKey> apiKeys(Actor actor) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_API_KEYS, store::apiKeys);
    }

    /** Records a watchlist authorisation (issuer, legal reference, scope, expiry). */
    public Authorisation createAuthorisation(Actor actor, AuthorisationSpec spec) throws GalleryException {
        return guarded(actor, Permission.MANAGE_AUTHORISATIONS, AuditAction.AUTHORISATION_CREATE, audit -> {
            audit.optPurpose(Purpose.WATCHLIST).optDetail("issuer '" + spec.issuer() + "', reference '" + spec.legalReference()
                    + "', collections " + spec.collectionIds() + ", sources " + (spec.sources().isEmpty() ? "any" : spec.sources())
                    + ", " + spec.validFrom() + " to " + spec.expiresAt());
            if (spec.collectionIds().size() == 1) {
                audit.optCollection(spec.collectionIds().iterator().next());
            }
            return store.createAuthorisation(spec, actor.id(), audit.build());
        });
    }

    public Authorisation revokeAuthorisation(Actor actor, String authorisationId) throws GalleryException {
        return guarded(actor, Permission.MANAGE_AUTHORISATIONS, AuditAction.AUTHORISATION_REVOKE, audit -> {
            audit.optObject(authorisationId).optPurpose(Purpose.WATCHLIST);
            return store.revokeAuthorisation(authorisationId, now(), audit.build());
        });
    }

    public List<Authorisation> authorisations(Actor actor) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_AUTHORISATIONS, store::authorisations);
    }

    /** Re-encrypts every template under a new AES key (search vectors unchanged). */
    public void rotateKeys(Actor actor) throws GalleryException {
        guarded(actor, Permission.MANAGE_KEYS, AuditAction.KEY_ROTATE, audit -> {
            mutationLock.lock();
            try {
                store.rotateKey(audit.build());
            } finally {
                mutationLock.unlock();
            }
            return null;
        });
    }

    /**
     * New AES key and new orthogonal transform: stored templates are migrated to the new search space and every index
     * is rebuilt; copies made before no longer match (revoked). Searches wait while this runs.
     */
    public void rekey(Actor actor) throws GalleryException {
        guarded(actor, Permission.MANAGE_KEYS, AuditAction.KEY_REKEY, audit -> {
            mutationLock.lock();
            spaceLock.writeLock().lock();
            try {
                store.rekey(audit.build());
                rebuildIndexes();
            } finally {
                spaceLock.writeLock().unlock();
                mutationLock.unlock();
            }
            return null;
        });
    }

    /**
     * Rebuilds every search index from the store: for changes made by another process on the same database (e.g. the
     * CLI while a server runs). Searches wait while this runs.
     */
    public void reloadIndexes(Actor actor) throws GalleryException {
        guarded(actor, Permission.MANAGE_COLLECTIONS, AuditAction.SERVICE_START, audit -> {
            mutationLock.lock();
            spaceLock.writeLock().lock();
            try {
                int[] counts = rebuildIndexes();
                store.appendAudit(audit.optDetail("indexes reloaded: " + counts[0] + " templates in " + indexes.size() + " collections").build());
            } finally {
                spaceLock.writeLock().unlock();
                mutationLock.unlock();
            }
            return null;
        });
    }

    /** Runs the retention purge now, as {@code actor} (admin). */
    public PurgeReport purgeNow(Actor actor) throws GalleryException {
        return guarded(actor, Permission.RUN_RETENTION, AuditAction.RETENTION_PURGE, audit -> purge(now(), audit.build()));
    }

    // =================================================================================================================
    // Enroller: subjects, consents, enrolment, erasure

    public Subject createSubject(Actor actor, SubjectSpec spec) throws GalleryException {
        return guarded(actor, Permission.MANAGE_SUBJECTS, AuditAction.SUBJECT_CREATE, audit -> store.createSubject(spec, audit.build()));
    }

    public Subject subject(Actor actor, String subjectId) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_SUBJECTS, () -> store.subject(subjectId));
    }

    public Optional<Subject> findSubjectByExternalId(Actor actor, String externalId) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_SUBJECTS, () -> store.findSubjectByExternalId(externalId));
    }

    public List<Subject> subjects(Actor actor, int offset, int limit) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_SUBJECTS, () -> store.subjects(offset, limit));
    }

    /** Records a consent or legal basis (the evidence document is kept as its hash only). */
    public Consent recordConsent(Actor actor, ConsentSpec spec) throws GalleryException {
        return guarded(actor, Permission.MANAGE_CONSENTS, AuditAction.CONSENT_RECORD, audit -> {
            audit.optSubject(spec.subjectId()).optDetail(spec.basis().wireName() + " for "
                    + spec.purposes().stream().map(Purpose::wireName).sorted().collect(Collectors.joining(","))
                    + spec.expiresAt().map(e -> " until " + e).orElse("") + spec.legalReference().map(r -> ", reference '" + r + "'").orElse(""));
            if (spec.purposes().size() == 1) {
                audit.optPurpose(spec.purposes().iterator().next());
            }
            return store.recordConsent(spec, actor.id(), audit.build());
        });
    }

    public List<Consent> consents(Actor actor, String subjectId) throws GalleryException {
        return guardedRead(actor, Permission.MANAGE_CONSENTS, () -> store.consents(subjectId));
    }

    /** Withdraws a consent now; templates no other valid consent covers are deleted immediately (store and index). */
    public ConsentChange withdrawConsent(Actor actor, String consentId) throws GalleryException {
        return guarded(actor, Permission.MANAGE_CONSENTS, AuditAction.CONSENT_WITHDRAW, audit -> {
            audit.optObject(consentId);
            mutationLock.lock();
            try {
                ConsentChange change = store.withdrawConsent(consentId, now(), audit.build());
                removeFromIndexes(change.removedTemplates());
                return change;
            } finally {
                mutationLock.unlock();
            }
        });
    }

    /**
     * Enrols the single face in {@code image} for a subject in a collection. Refused without a valid consent (or legal
     * basis) covering the collection's purpose ({@link ErrorCode#CONSENT_REQUIRED}), with no face
     * ({@link ErrorCode#NO_FACE}) or several faces ({@link ErrorCode#MULTIPLE_FACES}), and for an image already
     * enrolled for this subject and collection ({@link ErrorCode#CONFLICT}). The source image is stored (encrypted)
     * only if the collection opts in.
     */
    public Enrolment enrol(Actor actor, String subjectId, String collectionId, ImageInput image) throws GalleryException {
        return guarded(actor, Permission.ENROL, AuditAction.ENROL, audit -> {
            audit.optSubject(subjectId).optCollection(collectionId);
            Collection col = store.collection(collectionId);
            audit.optPurpose(col.purpose());
            store.subject(subjectId);
            // Fail fast, before any face processing; the store re-checks atomically when it writes.
            Instant now = now();
            if (store.consents(subjectId).stream().noneMatch(k -> k.covers(col.purpose(), now))) {
                throw new ConsentRequiredException("subject " + subjectId + " has no valid consent or recorded legal basis for purpose "
                        + col.purpose().wireName() + " (collection '" + col.name() + "')");
            }
            Decoded d = decode(image);
            audit.optImageSha256(d.sha256());
            List<Face> faces = detectFaces(d.image());
            if (faces.isEmpty()) {
                throw new InvalidInputException(ErrorCode.NO_FACE, "no face found in the enrolment image");
            }
            if (faces.size() > 1) {
                throw new InvalidInputException(ErrorCode.MULTIPLE_FACES, "the enrolment image shows " + faces.size()
                        + " faces; enrol from an image showing only the subject");
            }
            Face face = faces.get(0);
            Embedding e = embed(d.image(), face);
            double quality = quality(face);
            Optional<byte[]> keep = col.storeSourceImages() ? Optional.of(encodedOrPng(d)) : Optional.empty();
            NewTemplate t = new NewTemplate(subjectId, collectionId, e.modelId(), e.vector(), quality, d.sha256(), keep);
            audit.optDetail(String.format(java.util.Locale.ROOT, "quality %.3f", quality));
            mutationLock.lock();
            try {
                StoredTemplate stored = store.enrol(t, audit.build());
                index(collectionId).add(stored);
                return new Enrolment(stored.id(), subjectId, collectionId, quality, face.box(), d.sha256());
            } finally {
                mutationLock.unlock();
            }
        });
    }

    /** Deletes one template (store and index). */
    public TemplateRef deleteTemplate(Actor actor, String templateId) throws GalleryException {
        return guarded(actor, Permission.ENROL, AuditAction.TEMPLATE_DELETE, audit -> {
            audit.optObject(templateId);
            mutationLock.lock();
            try {
                TemplateRef ref = store.deleteTemplate(templateId, audit.build());
                removeFromIndexes(List.of(ref));
                return ref;
            } finally {
                mutationLock.unlock();
            }
        });
    }

    /**
     * Erases a subject (GDPR Art. 17): templates and source images deleted from the store and the indexes, the
     * subject record deleted, consents kept as evidence hashes only, the database file scrubbed (WAL checkpoint,
     * VACUUM) so that no template bytes remain.
     */
    public ErasureReport eraseSubject(Actor actor, String subjectId) throws GalleryException {
        return guarded(actor, Permission.ERASE_SUBJECTS, AuditAction.SUBJECT_ERASE, audit -> {
            audit.optSubject(subjectId);
            mutationLock.lock();
            try {
                ErasureReport report = store.eraseSubject(subjectId, audit.build());
                removeFromIndexes(report.removedTemplates());
                return report;
            } finally {
                mutationLock.unlock();
            }
        });
    }

    // =================================================================================================================
    // Operator: detect, verify, identify

    /** Faces in an image: boxes and detector scores only. */
    public List<DetectedFace> detect(Actor actor, ImageInput image) throws GalleryException {
        return guarded(actor, Permission.DETECT, AuditAction.DETECT, audit -> {
            Decoded d = decode(image);
            audit.optImageSha256(d.sha256());
            List<DetectedFace> out = detectFaces(d.image()).stream().map(f -> new DetectedFace(f.box(), f.score())).toList();
            store.appendAudit(audit.optDetail(out.size() + " faces").build());
            return out;
        });
    }

    /**
     * 1:1: is the largest face in {@code image} the subject? Compares with the subject's templates in the collection
     * (best similarity); a match at or above the collection's threshold. Not available for watchlist collections.
     */
    public VerifyResult verify(Actor actor, String collectionId, String subjectId, ImageInput image) throws GalleryException {
        return guarded(actor, Permission.VERIFY, AuditAction.VERIFY, audit -> {
            audit.optCollection(collectionId).optSubject(subjectId);
            Collection col = store.collection(collectionId);
            audit.optPurpose(col.purpose());
            if (col.purpose().requiresAuthorisation()) {
                throw new InvalidInputException("collection '" + col.name() + "' is a watchlist: use identify, whose hits go to review");
            }
            store.subject(subjectId);
            Decoded d = decode(image);
            audit.optImageSha256(d.sha256());
            List<Face> faces = detectFaces(d.image());
            Face face = largest(faces).orElseThrow(() -> new InvalidInputException(ErrorCode.NO_FACE, "no face found in the probe image"));
            Embedding e = embed(d.image(), face);
            catchUpWithOtherProcesses();
            CollectionIndex.SubjectHit hit;
            spaceLock.readLock().lock();
            try {
                float[] q = store.toSearchSpace(e.vector());
                hit = indexFor(collectionId).map(ix -> ix.verify(subjectId, q)).orElse(new CollectionIndex.SubjectHit(subjectId, Double.NaN, 0));
            } finally {
                spaceLock.readLock().unlock();
            }
            if (hit.templates() == 0) {
                throw new NotFoundException("subject " + subjectId + " has no searchable template in collection '" + col.name() + "'");
            }
            boolean match = col.isMatch(hit.similarity());
            store.appendAudit(audit.optCandidates(List.of(new AuditCandidate(subjectId, hit.similarity())))
                    .optDetail((match ? "match" : "no match") + " at threshold " + col.matchThreshold() + ", " + hit.templates()
                            + " templates compared, " + faces.size() + " faces in image").build());
            if (match) {
                store.recordInteraction(subjectId, collectionId, now());
            }
            return new VerifyResult(subjectId, collectionId, hit.similarity(), match, col.matchThreshold(), face.box(), hit.templates());
        });
    }

    /** 1:N without a source; see {@link #identify(Actor, String, ImageInput, int, Optional)}. */
    public IdentifyResult identify(Actor actor, String collectionId, ImageInput image, int k) throws GalleryException {
        return identify(actor, collectionId, image, k, Optional.empty());
    }

    /**
     * 1:N: the {@code k} subjects of the collection most similar to the largest face in {@code image}, best first,
     * each flagged {@link MatchStatus#MATCH} only at or above the collection's threshold. For a watchlist: requires a
     * valid authorisation covering the collection and {@code source} ({@link ErrorCode#AUTHORISATION_REQUIRED}
     * otherwise), returns only hits at or above the threshold as {@link MatchStatus#REVIEW_CANDIDATE} and opens a
     * review case for them; nothing is ever reported as confirmed here.
     *
     * @param k      1..{@link GalleryServiceOptions#maxK()}
     * @param source the camera or site the probe came from, checked against the authorisation's scope
     */
    public IdentifyResult identify(Actor actor, String collectionId, ImageInput image, int k, Optional<String> source) throws GalleryException {
        return guarded(actor, Permission.IDENTIFY, AuditAction.IDENTIFY, audit -> {
            audit.optCollection(collectionId);
            source.ifPresent(s -> audit.optDetail("source " + s));
            if (k < 1 || k > options.maxK()) {
                throw new InvalidInputException("k must be 1.." + options.maxK() + ", got " + k);
            }
            Collection col = store.collection(collectionId);
            audit.optPurpose(col.purpose());
            Optional<Authorisation> auth = Optional.empty();
            if (col.purpose().requiresAuthorisation()) {
                auth = Optional.of(requireAuthorisation(col, source));
            }
            Decoded d = decode(image);
            audit.optImageSha256(d.sha256());
            List<Face> faces = detectFaces(d.image());
            Face face = largest(faces).orElseThrow(() -> new InvalidInputException(ErrorCode.NO_FACE, "no face found in the probe image"));
            Embedding e = embed(d.image(), face);
            catchUpWithOtherProcesses();
            List<CollectionIndex.SubjectHit> hits;
            spaceLock.readLock().lock();
            try {
                float[] q = store.toSearchSpace(e.vector());
                hits = indexFor(collectionId).map(ix -> ix.search(q, k)).orElse(List.of());
            } finally {
                spaceLock.readLock().unlock();
            }
            List<Candidate> candidates = new ArrayList<>();
            for (CollectionIndex.SubjectHit h : hits) {
                boolean above = col.isMatch(h.similarity());
                if (auth.isPresent()) {
                    if (above) {
                        candidates.add(new Candidate(h.subjectId(), h.similarity(), MatchStatus.REVIEW_CANDIDATE));
                    }
                } else {
                    candidates.add(new Candidate(h.subjectId(), h.similarity(), above ? MatchStatus.MATCH : MatchStatus.NO_MATCH));
                }
            }
            List<AuditCandidate> logged = candidates.stream().map(c -> new AuditCandidate(c.subjectId(), c.similarity())).toList();
            Optional<String> caseId = Optional.empty();
            if (auth.isPresent() && !candidates.isEmpty()) {
                ReviewCase rc = store.openReviewCase(new ReviewCaseSpec(collectionId, auth.get().id(), d.sha256(), source,
                        candidates.stream().map(c -> new ReviewCandidate(c.subjectId(), c.similarity())).toList()), actor.id(),
                        AuditEntry.builder(actor.id(), actor.role(), AuditAction.REVIEW_OPEN).optCollection(collectionId)
                                .optPurpose(col.purpose()).optImageSha256(d.sha256()).optCandidates(logged)
                                .optDetail("watchlist hits await two reviewers; authorisation " + auth.get().id()).build());
                caseId = Optional.of(rc.id());
                audit.optObject(rc.id());
            }
            long matches = candidates.stream().filter(Candidate::match).count();
            store.appendAudit(audit.optCandidates(logged).optDetail(appendDetail(source.map(s -> "source " + s).orElse(""),
                    (auth.isPresent() ? candidates.size() + " review candidates" : matches + " matches") + " at threshold "
                            + col.matchThreshold() + ", k=" + k + ", " + faces.size() + " faces in image")).build());
            for (Candidate c : candidates) {
                if (c.match()) {
                    store.recordInteraction(c.subjectId(), collectionId, now());
                }
            }
            return new IdentifyResult(collectionId, col.purpose(), col.matchThreshold(), face.box(), faces.size(), candidates, caseId);
        });
    }

    private Authorisation requireAuthorisation(Collection col, Optional<String> source) throws GalleryException {
        Instant now = now();
        List<Authorisation> naming = store.authorisations().stream().filter(a -> a.collectionIds().contains(col.id())).toList();
        Optional<Authorisation> valid = naming.stream().filter(a -> a.covers(col.id(), source, now))
                .max(Comparator.comparing(Authorisation::expiresAt));
        if (valid.isPresent()) {
            return valid.get();
        }
        String why;
        if (naming.isEmpty()) {
            why = "no authorisation covers watchlist '" + col.name() + "'";
        } else {
            List<String> reasons = new ArrayList<>();
            for (Authorisation a : naming) {
                if (a.revokedAt().isPresent() && !a.revokedAt().get().isAfter(now)) {
                    reasons.add(a.id() + " was revoked at " + a.revokedAt().get());
                } else if (!now.isBefore(a.expiresAt())) {
                    reasons.add(a.id() + " expired at " + a.expiresAt());
                } else if (a.validFrom().isAfter(now)) {
                    reasons.add(a.id() + " starts at " + a.validFrom());
                } else {
                    reasons.add(a.id() + " does not cover source " + source.orElse("?"));
                }
            }
            why = "no valid authorisation for watchlist '" + col.name() + "': " + String.join("; ", reasons);
        }
        throw new AccessDeniedException(ErrorCode.AUTHORISATION_REQUIRED, why);
    }

    // =================================================================================================================
    // Video: sources, redaction, footage search

    /** Audits that a video source was added ({@code added}) or removed; admin only. */
    public void recordSourceChange(Actor actor, boolean added, String sourceId, String detail) throws GalleryException {
        guarded(actor, Permission.MANAGE_SOURCES, added ? AuditAction.SOURCE_ADD : AuditAction.SOURCE_REMOVE, audit -> {
            store.appendAudit(audit.optObject(sourceId).optDetail(detail).build());
            return null;
        });
    }

    /** Throws unless the actor holds {@code permission}; a refusal is audited. For video routes that read live state. */
    public void checkPermission(Actor actor, Permission permission) throws GalleryException {
        guardedRead(actor, permission, () -> null);
    }

    /**
     * Audits a redaction (operator only). {@code detail} holds counts and settings, never pixels or identities.
     *
     * @param inputSha256 hex SHA-256 of the input file or image
     */
    public void recordRedaction(Actor actor, String inputSha256, String detail) throws GalleryException {
        guarded(actor, Permission.REDACT, AuditAction.REDACT, audit -> {
            store.appendAudit(audit.optImageSha256(inputSha256).optDetail(detail).build());
            return null;
        });
    }

    /**
     * Starts searching footage for one subject (operator only; audited). Allowed only where the collection's purpose
     * allows looking for a person in recordings: a watchlist with a valid authorisation covering the collection and
     * {@code source} (every hit then goes to two-reviewer review), or a photo library (the user's own recordings).
     * Refused for access control, check-in, identity verification and time attendance collections: people enrolled
     * for a door did not agree to be searched for in footage.
     *
     * @param source the footage's name (file name or camera id), checked against the authorisation's scope
     */
    public FootageSearch startFootageSearch(Actor actor, String collectionId, String subjectId, String source) throws GalleryException {
        return guarded(actor, Permission.IDENTIFY, AuditAction.FOOTAGE_SEARCH, audit -> {
            audit.optCollection(collectionId).optSubject(subjectId).optDetail("source " + source);
            Collection col = store.collection(collectionId);
            audit.optPurpose(col.purpose());
            Optional<Authorisation> auth = Optional.empty();
            if (col.purpose().requiresAuthorisation()) {
                auth = Optional.of(requireAuthorisation(col, Optional.of(source)));
            } else if (col.purpose() != Purpose.PHOTO_LIBRARY) {
                throw new AccessDeniedException(ErrorCode.FORBIDDEN, "collection '" + col.name() + "' has purpose " + col.purpose().wireName()
                        + ", which does not allow searching footage for a person (allowed: watchlist with an authorisation covering the "
                        + "source, or photo-library)");
            }
            store.subject(subjectId);
            catchUpWithOtherProcesses();
            int templates;
            spaceLock.readLock().lock();
            try {
                templates = indexFor(collectionId).map(ix -> ix.templatesOf(subjectId)).orElse(0);
            } finally {
                spaceLock.readLock().unlock();
            }
            if (templates == 0) {
                throw new NotFoundException("subject " + subjectId + " has no searchable template in collection '" + col.name() + "'");
            }
            store.appendAudit(audit.optDetail(appendDetail("source " + source, "footage search started"
                    + auth.map(a -> ", authorisation " + a.id()).orElse(""))).build());
            return new FootageSearch(this, actor, col, subjectId, auth, source);
        });
    }

    /**
     * Checks, before a watch starts, that {@code actor} may identify in the collection from {@code source}: the role,
     * and for a watchlist a valid authorisation covering the collection and the source. Not audited when allowed (each
     * search is); a refusal is audited.
     */
    public void checkCanIdentify(Actor actor, String collectionId, Optional<String> source) throws GalleryException {
        guarded(actor, Permission.IDENTIFY, AuditAction.IDENTIFY, audit -> {
            audit.optCollection(collectionId);
            source.ifPresent(s -> audit.optDetail("source " + s + " (watch start)"));
            Collection col = store.collection(collectionId);
            audit.optPurpose(col.purpose());
            if (col.purpose().requiresAuthorisation()) {
                requireAuthorisation(col, source);
            }
            return null;
        });
    }

    /** Best similarity of a descriptor to the subject's templates in a collection (for {@link FootageSearch}). */
    double similarityTo(String collectionId, String subjectId, float[] descriptor) throws GalleryException {
        ensureOpen();
        catchUpWithOtherProcesses();
        spaceLock.readLock().lock();
        try {
            float[] q = store.toSearchSpace(descriptor);
            return indexFor(collectionId).map(ix -> ix.verify(subjectId, q).similarity()).orElse(Double.NaN);
        } finally {
            spaceLock.readLock().unlock();
        }
    }

    /** Audits the end of a footage search and, for a watchlist with hits, opens a review case. */
    Optional<String> finishFootageSearch(FootageSearch s, int segments, double bestSimilarity, Optional<String> bestCropSha256)
            throws GalleryException {
        ensureOpen();
        Actor actor = s.actor();
        Collection col = s.collection();
        List<AuditCandidate> logged = segments > 0 ? List.of(new AuditCandidate(s.subjectId(), bestSimilarity)) : List.of();
        Optional<String> caseId = Optional.empty();
        if (s.authorisation().isPresent() && segments > 0 && bestCropSha256.isPresent()) {
            ReviewCase rc = store.openReviewCase(new ReviewCaseSpec(col.id(), s.authorisation().get().id(), bestCropSha256.get(),
                            Optional.of(s.source()), List.of(new ReviewCandidate(s.subjectId(), bestSimilarity))), actor.id(),
                    AuditEntry.builder(actor.id(), actor.role(), AuditAction.REVIEW_OPEN).optCollection(col.id()).optPurpose(col.purpose())
                            .optImageSha256(bestCropSha256.get()).optCandidates(logged)
                            .optDetail("footage search hits await two reviewers; source " + s.source()).build());
            caseId = Optional.of(rc.id());
        }
        AuditEntry.Builder audit = AuditEntry.builder(actor.id(), actor.role(), AuditAction.FOOTAGE_SEARCH).optCollection(col.id())
                .optSubject(s.subjectId()).optPurpose(col.purpose()).optCandidates(logged)
                .optDetail("source " + s.source() + "; footage search finished: " + segments + " segments at threshold " + col.matchThreshold());
        caseId.ifPresent(audit::optObject);
        bestCropSha256.ifPresent(audit::optImageSha256);
        store.appendAudit(audit.build());
        return caseId;
    }

    // =================================================================================================================
    // Reviewer

    public List<ReviewCase> reviewCases(Actor actor, Optional<ReviewStatus> status, int limit) throws GalleryException {
        return guardedRead(actor, Permission.REVIEW, () -> store.reviewCases(status, limit));
    }

    public ReviewCase reviewCase(Actor actor, String caseId) throws GalleryException {
        return guardedRead(actor, Permission.REVIEW, () -> store.reviewCase(caseId));
    }

    /**
     * A reviewer's decision on a watchlist case. Confirmation names the candidate; the case becomes
     * {@link ReviewStatus#CONFIRMED} only when a second, different reviewer confirms the same candidate. One rejection
     * closes it as {@link ReviewStatus#REJECTED}. A reviewer decides a case once ({@link ConflictException}).
     */
    public ReviewCase review(Actor actor, String caseId, Verdict verdict, Optional<String> subjectId) throws GalleryException {
        return guarded(actor, Permission.REVIEW, AuditAction.REVIEW_DECIDE, audit -> {
            audit.optObject(caseId).optDetail(verdict.name().toLowerCase(java.util.Locale.ROOT)
                    + subjectId.map(s -> " subject " + s).orElse(""));
            subjectId.ifPresent(audit::optSubject);
            if (verdict == Verdict.CONFIRM && subjectId.isEmpty()) {
                throw new InvalidInputException("a confirmation must name the candidate subject");
            }
            return store.decide(caseId, new ReviewDecision(actor.id(), verdict, subjectId, now()), audit.build());
        });
    }

    // =================================================================================================================
    // Auditor

    /** Audit records from {@code fromSeq}, at most {@code limit} (audited as a read). */
    public List<AuditRecord> readAudit(Actor actor, long fromSeq, int limit) throws GalleryException {
        return guarded(actor, Permission.READ_AUDIT, AuditAction.AUDIT_READ, audit -> {
            store.appendAudit(audit.optDetail("from seq " + fromSeq + ", limit " + limit).build());
            return store.readAudit(fromSeq, limit);
        });
    }

    /** Writes the whole log as JSON Lines (including the record of this export); returns the number of records. */
    public long exportAudit(Actor actor, OutputStream out) throws GalleryException {
        return guarded(actor, Permission.READ_AUDIT, AuditAction.AUDIT_EXPORT, audit -> {
            AuditRecord self = store.appendAudit(audit.optDetail("JSONL export").build());
            long n = 0;
            long next = 1;
            try {
                while (next <= self.seq()) {
                    List<AuditRecord> page = store.readAudit(next, 2000);
                    if (page.isEmpty()) {
                        break;
                    }
                    for (AuditRecord r : page) {
                        if (r.seq() > self.seq()) {
                            break;
                        }
                        out.write((AuditJsonl.toLine(r) + "\n").getBytes(StandardCharsets.UTF_8));
                        n++;
                    }
                    next = page.get(page.size() - 1).seq() + 1;
                }
                out.flush();
            } catch (IOException e) {
                throw new StorageException(ErrorCode.STORAGE_ERROR, "cannot write the audit export: " + e.getMessage(), e);
            }
            return n;
        });
    }

    /** Verifies the audit chain (audited, the verification's result in the detail). */
    public AuditVerification verifyAudit(Actor actor) throws GalleryException {
        return guarded(actor, Permission.READ_AUDIT, AuditAction.AUDIT_VERIFY, audit -> {
            AuditVerification v = store.verifyAudit();
            store.appendAudit(audit.optOutcome(AuditOutcome.OK).optDetail(v.toString()).build());
            return v;
        });
    }

    // =================================================================================================================
    // Retention

    /**
     * Deletes what may no longer be kept at {@code now} (see {@link GalleryStore#purgeExpired}) from the store and the
     * indexes, as the {@link Actor#system() system} actor. Called by the scheduler; callable directly.
     */
    public PurgeReport purgeExpired(Instant now) throws GalleryException {
        return purge(now, AuditEntry.builder(Actor.SYSTEM_ID, Optional.of(Role.ADMIN), AuditAction.RETENTION_PURGE).build());
    }

    private PurgeReport purge(Instant now, AuditEntry prototype) throws GalleryException {
        mutationLock.lock();
        try {
            PurgeReport r = store.purgeExpired(now, prototype);
            removeFromIndexes(r.removedTemplates());
            return r;
        } finally {
            mutationLock.unlock();
        }
    }

    private void scheduledPurge() {
        if (closed) {
            return;
        }
        try {
            PurgeReport r = purgeExpired(now());
            if (!r.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "retention purge: " + r.consentLapsed().size() + " templates without valid consent, "
                        + r.retentionExpired().size() + " past retention, " + r.erasedSubjects().size() + " subjects erased");
            }
        } catch (GalleryException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "retention purge failed (will retry): " + e.getMessage());
        }
    }

    // =================================================================================================================
    // Internals

    /** Enrolment quality: detector score × {@code min(1, shorter box side / 80 px)}, in [0, 1]. */
    public static double quality(Face face) {
        double side = Math.min(face.box().width(), face.box().height());
        double q = face.score() * Math.min(1, Math.max(0, side) / FULL_QUALITY_FACE_PIXELS);
        return Math.max(0, Math.min(1, q));
    }

    @FunctionalInterface
    private interface Op<T> {
        T run(AuditEntry.Builder audit) throws GalleryException;
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws GalleryException;
    }

    /** Role check, then {@code op}; a refusal or failure is audited (a success is audited by {@code op}). */
    private <T> T guarded(Actor actor, Permission permission, AuditAction action, Op<T> op) throws GalleryException {
        Objects.requireNonNull(actor, "actor");
        ensureOpen();
        AuditEntry.Builder audit = AuditEntry.builder(actor.id(), actor.role(), action);
        deny(actor, permission, audit);
        try {
            return op.run(audit);
        } catch (GalleryException e) {
            appendQuietly(audit.optOutcome(outcomeOf(e)).optDetail(e.getMessage()).build());
            throw e;
        } catch (IllegalArgumentException e) {
            InvalidInputException ex = new InvalidInputException(ErrorCode.INVALID_INPUT, e.getMessage(), e);
            appendQuietly(audit.optOutcome(AuditOutcome.REFUSED).optDetail(e.getMessage()).build());
            throw ex;
        }
    }

    /** Role check for an unaudited read; a refusal is audited. */
    private <T> T guardedRead(Actor actor, Permission permission, Read<T> read) throws GalleryException {
        Objects.requireNonNull(actor, "actor");
        ensureOpen();
        deny(actor, permission, AuditEntry.builder(actor.id(), actor.role(), AuditAction.READ));
        return read.run();
    }

    private void deny(Actor actor, Permission permission, AuditEntry.Builder audit) throws GalleryException {
        if (permission.allows(actor.role())) {
            return;
        }
        String msg = "role " + actor.role().wireName() + " may not " + permission.wireName().replace('-', ' ') + " (allowed: "
                + permission.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(", ")) + ")";
        appendQuietly(audit.optOutcome(AuditOutcome.DENIED).optDetail(msg).build());
        throw new AccessDeniedException(ErrorCode.FORBIDDEN, msg);
    }

    private void appendQuietly(AuditEntry e) {
        try {
            store.appendAudit(e);
        } catch (GalleryException | RuntimeException ex) {
            // e.g. disk full: the original error is reported to the caller; nothing was changed
            LOG.log(System.Logger.Level.WARNING, "could not audit a " + e.outcome().wireName() + " " + e.action().wireName() + ": " + ex.getMessage());
        }
    }

    private static AuditOutcome outcomeOf(GalleryException e) {
        if (e instanceof AccessDeniedException) {
            return e.code() == ErrorCode.AUTHORISATION_REQUIRED ? AuditOutcome.REFUSED : AuditOutcome.DENIED;
        }
        return switch (e.code()) {
            case STORAGE_FULL, STORAGE_BUSY, STORAGE_ERROR, KEY_ERROR, ENGINE_ERROR, CLOSED -> AuditOutcome.FAILED;
            default -> AuditOutcome.REFUSED;
        };
    }

    private record Decoded(RgbImage image, String sha256, byte[] encoded) {
    }

    private Decoded decode(ImageInput input) throws GalleryException {
        Objects.requireNonNull(input, "image");
        if (input instanceof ImageInput.Encoded enc) {
            try {
                RgbImage img = ImageDecoder.decode(enc.bytes(), enc.name(), engine.options().imageLimits());
                return new Decoded(img, sha256(enc.bytes()), enc.bytes());
            } catch (BadImageException e) {
                throw new InvalidInputException(ErrorCode.BAD_IMAGE, e.getMessage(), e);
            }
        }
        RgbImage img = ((ImageInput.Raster) input).image();
        return new Decoded(img, ImageInput.rasterSha256(img), null);
    }

    /** For collections that keep source images: encoded bytes as received, or a PNG of a raster. */
    private static byte[] encodedOrPng(Decoded d) throws GalleryException {
        if (d.encoded() != null) {
            return d.encoded();
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(ImageDecoder.toBufferedImage(d.image()), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new StorageException(ErrorCode.STORAGE_ERROR, "cannot encode the source image: " + e.getMessage(), e);
        }
    }

    private List<Face> detectFaces(RgbImage image) throws GalleryException {
        try {
            return engine.detect(image);
        } catch (ConsentryException e) {
            throw new GalleryException(ErrorCode.ENGINE_ERROR, "face detection failed: " + e.getMessage(), e);
        }
    }

    private Embedding embed(RgbImage image, Face face) throws GalleryException {
        try {
            return engine.embed(image, face);
        } catch (ConsentryException e) {
            throw new GalleryException(ErrorCode.ENGINE_ERROR, "face embedding failed: " + e.getMessage(), e);
        }
    }

    private static Optional<Face> largest(List<Face> faces) {
        return faces.stream().max(Comparator.comparingDouble(f -> f.box().area()));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private CollectionIndex index(String collectionId) {
        return indexes.computeIfAbsent(collectionId, id -> new CollectionIndex(modelId, options.indexFactory()));
    }

    private Optional<CollectionIndex> indexFor(String collectionId) {
        return Optional.ofNullable(indexes.get(collectionId));
    }

    private void removeFromIndexes(List<TemplateRef> refs) {
        for (TemplateRef r : refs) {
            CollectionIndex ix = indexes.get(r.collectionId());
            if (ix != null) {
                ix.remove(r.templateId());
            }
        }
    }

    /** Journal position the indexes reflect (see {@link GalleryStore#templateChangeHead()}). */
    private volatile long journalSeen = -1;

    /**
     * Brings the indexes up to date with template changes made by other processes (a CLI enrolment or erasure while
     * the server runs), from the store's change journal. One cheap query when nothing changed. Applying an entry is
     * idempotent, so this service's own changes (already in its indexes) are skipped. Re-encryptions by another process
     * (key rotation, rekey) are not applied: this service's indexes stay consistent with the keys it holds, and such a
     * change needs a restart to take effect here (logged). Call before searching, never while holding {@code spaceLock}.
     */
    private void catchUpWithOtherProcesses() throws GalleryException {
        long head = store.templateChangeHead();
        if (head < 0 || head == journalSeen) {
            return;
        }
        mutationLock.lock();
        spaceLock.writeLock().lock();
        try {
            while (journalSeen < head) {
                List<TemplateChange> changes = store.templateChangesAfter(journalSeen, 1000);
                if (changes.isEmpty()) {
                    break;
                }
                for (TemplateChange ch : changes) {
                    if (ch.op().equals("insert")) {
                        CollectionIndex ix = indexes.get(ch.collectionId());
                        if (ix == null || !ix.contains(ch.templateId())) {
                            try {
                                StoredTemplate t = store.template(ch.templateId());
                                index(t.collectionId()).add(t);
                            } catch (NotFoundException gone) {
                                // deleted again since: a later journal entry says so
                            } catch (GalleryException e) {
                                LOG.log(System.Logger.Level.WARNING, "a template enrolled by another process cannot be read here ("
                                        + e.code().wireName() + "); restart to pick up new keys");
                            }
                        }
                    } else if (ch.op().equals("delete")) {
                        CollectionIndex ix = indexes.get(ch.collectionId());
                        if (ix != null) {
                            ix.remove(ch.templateId());
                        }
                    } else if (!warnedAboutReencryption) {
                        warnedAboutReencryption = true;
                        LOG.log(System.Logger.Level.WARNING, "templates were re-encrypted by another process (key rotation or rekey); "
                                + "restart this service to use the new keys");
                    }
                    journalSeen = ch.seq();
                }
            }
        } finally {
            spaceLock.writeLock().unlock();
            mutationLock.unlock();
        }
    }

    private volatile boolean warnedAboutReencryption;

    /** Rebuilds every index from the store; returns {indexed, skipped (other model)}. Caller serialises. */
    private int[] rebuildIndexes() throws GalleryException {
        long head = store.templateChangeHead(); // read first: changes made during the rebuild are applied again, harmlessly
        int[] counts = new int[2];
        Map<String, CollectionIndex> fresh = new ConcurrentHashMap<>();
        for (Collection c : store.collections()) {
            CollectionIndex ix = new CollectionIndex(modelId, options.indexFactory());
            store.forEachTemplate(c.id(), t -> {
                if (ix.add(t)) {
                    counts[0]++;
                } else {
                    counts[1]++;
                }
            });
            fresh.put(c.id(), ix);
        }
        indexes.clear();
        indexes.putAll(fresh);
        journalSeen = head;
        if (counts[1] > 0) {
            LOG.log(System.Logger.Level.WARNING, counts[1] + " templates were made by another model than " + modelId
                    + " and are not searchable; re-enrol those subjects");
        }
        return counts;
    }

    private Instant now() {
        return clock.instant();
    }

    private static String appendDetail(String a, String b) {
        return a == null || a.isEmpty() ? b : a + "; " + b;
    }

    private void ensureOpen() throws StorageException {
        if (closed) {
            throw new StorageException(ErrorCode.CLOSED, "the gallery service is closed");
        }
    }

    /** Stops the retention scheduler and closes the store. */
    @Override
    public void close() throws GalleryException {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        mutationLock.lock();
        try {
            store.close();
        } finally {
            mutationLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "GalleryService[model " + modelId + ", " + indexes.size() + " collections indexed, store " + store + "]";
    }
}
