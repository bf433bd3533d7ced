package io.consentry.store;

import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditHead;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Persistent state of a Consentry deployment: collections, subjects, consents, protected templates, watchlist
 * authorisations, review cases, API keys and the hash-chained audit log. Implemented by {@link SqliteGalleryStore}
 * (embedded default) and, later, by a distributed backend; {@code GalleryStoreContractTest} in this module's test jar
 * states the contract executably.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Atomic with its audit record.</b> Every mutating method takes an {@link AuditEntry} and appends it in the
 *       same transaction as the change: either both are durable or neither. When the method creates an object the
 *       store sets the entry's {@code objectId} to the new id (unless already set). A method that returns normally
 *       has committed durably (acknowledged = survives a crash).</li>
 *   <li><b>Rules enforced inside the transaction</b>, so that concurrent callers cannot race them: enrolment needs a
 *       valid consent covering the collection's purpose ({@link ConsentRequiredException}); withdrawing a consent
 *       deletes the templates no other valid consent covers; a review case is confirmed only by two different
 *       reviewers confirming the same candidate; one source image is enrolled once per subject and collection.</li>
 *   <li><b>Templates are protected.</b> {@link #enrol} receives the engine descriptor {@code v}; the store keeps only
 *       {@code AES-GCM(Q·v)}. Reads return {@code Q·v} (the <em>search space</em>); transform a probe with
 *       {@link #toSearchSpace} before comparing.</li>
 *   <li><b>Erasure leaves nothing behind:</b> after {@link #eraseSubject} returns with {@code scrubbed}, the subject's
 *       template bytes are in no storage file.</li>
 *   <li><b>Errors</b> are {@link GalleryException}s with stable codes: {@link NotFoundException} for unknown ids,
 *       {@link ConflictException}, {@link ConsentRequiredException}, {@link InvalidInputException}, and
 *       {@link StorageException} ({@link ErrorCode#STORAGE_FULL} when the disk is full: nothing was written).</li>
 *   <li>Times are assigned by the store's clock, at millisecond precision. Implementations are thread-safe.</li>
 * </ul>
 * Role checks are not the store's business: they live in {@code io.consentry.governance.GalleryService}.
 */
public interface GalleryStore extends AutoCloseable {

    // ---- collections ------------------------------------------------------------------------------------------

    /** Creates a collection; {@link ConflictException} if the name is taken. */
    Collection createCollection(CollectionSpec spec, AuditEntry audit) throws GalleryException;

    /**
     * Changes a collection's settings (threshold, retention, source images). The purpose cannot change once the
     * collection holds templates ({@link ConflictException}): consents were checked against it.
     */
    Collection updateCollection(String collectionId, CollectionSpec spec, AuditEntry audit) throws GalleryException;

    /** The collection; {@link NotFoundException} if unknown. */
    Collection collection(String collectionId) throws GalleryException;

    /** All collections, by name. */
    List<Collection> collections() throws GalleryException;

    /** Deletes a collection and all its templates; returns the removed templates. */
    List<TemplateRef> deleteCollection(String collectionId, AuditEntry audit) throws GalleryException;

    // ---- subjects and consents --------------------------------------------------------------------------------

    /** Creates a subject; {@link ConflictException} if the external id is taken. */
    Subject createSubject(SubjectSpec spec, AuditEntry audit) throws GalleryException;

    /** The subject; {@link NotFoundException} if unknown or erased. */
    Subject subject(String subjectId) throws GalleryException;

    /** The subject with this external id, if any. */
    Optional<Subject> findSubjectByExternalId(String externalId) throws GalleryException;

    /** Subjects ordered by creation, {@code offset} ≥ 0, {@code limit} 1..10000. */
    List<Subject> subjects(int offset, int limit) throws GalleryException;

    /** Records a consent (or legal basis) for an existing subject. */
    Consent recordConsent(ConsentSpec spec, String recordedBy, AuditEntry audit) throws GalleryException;

    /** The consent; {@link NotFoundException} if unknown. */
    Consent consent(String consentId) throws GalleryException;

    /** A subject's consents, including withdrawn ones and those of an erased subject, oldest first. */
    List<Consent> consents(String subjectId) throws GalleryException;

    /**
     * Withdraws a consent at {@code at} and, in the same transaction, deletes the subject's templates that no other
     * valid consent covers. {@link ConflictException} if already withdrawn.
     */
    ConsentChange withdrawConsent(String consentId, Instant at, AuditEntry audit) throws GalleryException;

    // ---- templates --------------------------------------------------------------------------------------------

    /**
     * Enrols a template after checking, in the transaction, that the subject and collection exist and that a consent
     * valid now covers the collection's purpose ({@link ConsentRequiredException} otherwise). The same source image
     * twice for one subject and collection is a {@link ConflictException}; a source image for a collection that does
     * not store them is an {@link InvalidInputException}. Updates the subject's last interaction.
     *
     * @return the stored template, descriptor in the search space
     */
    StoredTemplate enrol(NewTemplate template, AuditEntry audit) throws GalleryException;

    /** The template (descriptor in the search space); {@link NotFoundException} if unknown. */
    StoredTemplate template(String templateId) throws GalleryException;

    /**
     * Streams every template of a collection (descriptors in the search space) to {@code visitor}, in enrolment
     * order: what a search index is rebuilt from. {@link NotFoundException} if the collection is unknown.
     */
    void forEachTemplate(String collectionId, TemplateVisitor visitor) throws GalleryException;

    /**
     * Position of the newest entry of the template change journal (every insert, delete or update of a template by any
     * process), or -1 when this store keeps no journal (then other processes' changes are seen only after a reload).
     */
    default long templateChangeHead() throws GalleryException {
        return -1;
    }

    /** Journal entries after {@code seq}, oldest first, at most {@code limit}. */
    default List<TemplateChange> templateChangesAfter(long seq, int limit) throws GalleryException {
        return List.of();
    }

    /** All templates of a collection as a list; see {@link #forEachTemplate}. */
    default List<StoredTemplate> templates(String collectionId) throws GalleryException {
        List<StoredTemplate> out = new ArrayList<>();
        forEachTemplate(collectionId, out::add);
        return out;
    }

    /** The templates of one subject across collections. */
    List<StoredTemplate> templatesOfSubject(String subjectId) throws GalleryException;

    /** The decrypted source image of a template, if its collection stores them. */
    Optional<byte[]> sourceImage(String templateId) throws GalleryException;

    /** Deletes one template. */
    TemplateRef deleteTemplate(String templateId, AuditEntry audit) throws GalleryException;

    /**
     * Notes a successful verify or identify of a subject in a collection at {@code at}: the retention clock of the
     * subject (and of its templates in that collection) restarts. Not audited by itself (the search is).
     */
    void recordInteraction(String subjectId, String collectionId, Instant at) throws GalleryException;

    /** Maps an engine descriptor into the search space ({@code Q·v}) of this store's current key. */
    float[] toSearchSpace(float[] engineDescriptor) throws GalleryException;

    // ---- erasure and retention --------------------------------------------------------------------------------

    /**
     * Erases a subject (GDPR Art. 17): deletes its templates and source images and the subject record; its consent
     * records remain (subject id, dates, purposes, basis, evidence hash), marked withdrawn. Then {@link #scrub}s.
     */
    ErasureReport eraseSubject(String subjectId, AuditEntry audit) throws GalleryException;

    /**
     * Removes what may no longer be kept at {@code now}: templates no valid consent covers (expired), templates of
     * subjects whose last interaction with the collection is older than its retention, and subjects with no
     * templates left and no interaction for {@link CollectionSpec#MAX_RETENTION}. Appends one audit record per
     * (subject, collection) group and per subject, built from {@code prototype} (actor, role) with action
     * {@code CONSENT_EXPIRED} or {@code RETENTION_PURGE}. Scrubs when anything was removed.
     */
    PurgeReport purgeExpired(Instant now, AuditEntry prototype) throws GalleryException;

    /**
     * Makes deleted data unrecoverable from the storage files (SQLite: WAL checkpoint, VACUUM, checkpoint, with
     * secure_delete on). Returns false if another process prevented it; safe to call again.
     */
    boolean scrub() throws GalleryException;

    // ---- watchlist authorisations and review ------------------------------------------------------------------

    /** Records a watchlist authorisation; the collections must exist and have the watchlist purpose. */
    Authorisation createAuthorisation(AuthorisationSpec spec, String createdBy, AuditEntry audit) throws GalleryException;

    Authorisation authorisation(String authorisationId) throws GalleryException;

    /** All authorisations, newest first. */
    List<Authorisation> authorisations() throws GalleryException;

    /** Revokes an authorisation at {@code at}; {@link ConflictException} if already revoked. */
    Authorisation revokeAuthorisation(String authorisationId, Instant at, AuditEntry audit) throws GalleryException;

    /** Opens a review case for watchlist hits. */
    ReviewCase openReviewCase(ReviewCaseSpec spec, String createdBy, AuditEntry audit) throws GalleryException;

    ReviewCase reviewCase(String caseId) throws GalleryException;

    /** Cases with the given status (all when empty), newest first, at most {@code limit}. */
    List<ReviewCase> reviewCases(Optional<ReviewStatus> status, int limit) throws GalleryException;

    /**
     * Records a reviewer's decision. {@link ConflictException} if the case is closed or this reviewer already decided
     * it; {@link InvalidInputException} if a confirmation names a subject that is not a candidate. A case becomes
     * {@link ReviewStatus#CONFIRMED} when {@link ReviewCase#REQUIRED_CONFIRMATIONS} different reviewers confirmed the
     * same candidate, {@link ReviewStatus#REJECTED} on the first rejection.
     */
    ReviewCase decide(String caseId, ReviewDecision decision, AuditEntry audit) throws GalleryException;

    // ---- API keys ---------------------------------------------------------------------------------------------

    /** Creates a key; the secret is in the result only. */
    IssuedApiKey createApiKey(String name, Role role, AuditEntry audit) throws GalleryException;

    /**
     * The active key whose secret this is (SHA-256 compared in constant time); empty for unknown, malformed or
     * revoked secrets.
     */
    Optional<ApiKey> authenticate(String secret) throws GalleryException;

    ApiKey apiKey(String keyId) throws GalleryException;

    List<ApiKey> apiKeys() throws GalleryException;

    /** Revokes a key; {@link ConflictException} if already revoked. */
    ApiKey revokeApiKey(String keyId, AuditEntry audit) throws GalleryException;

    // ---- audit ------------------------------------------------------------------------------------------------

    /** Appends a record for an operation with no other state change (searches, reads, denials, login failures). */
    AuditRecord appendAudit(AuditEntry entry) throws GalleryException;

    /** Records with {@code seq >= fromSeq} in sequence order, at most {@code limit} (1..10000). */
    List<AuditRecord> readAudit(long fromSeq, int limit) throws GalleryException;

    /** The last record's seq and hash, as kept by the store. */
    AuditHead auditHead() throws GalleryException;

    /** Verifies the whole chain against the store's head. */
    AuditVerification verifyAudit() throws GalleryException;

    // ---- keys -------------------------------------------------------------------------------------------------

    /** The active key generation's id. */
    String activeKeyId();

    /**
     * Re-encrypts every template and source image under a fresh AES key, keeping the transform (search vectors do not
     * change). Crash-safe: the old key stays in the key file until every row is re-encrypted.
     */
    void rotateKey(AuditEntry audit) throws GalleryException;

    /**
     * Replaces the AES key <em>and</em> the orthogonal transform. Stored templates are migrated in one transaction to
     * the new space ({@code Q_new·Q_oldᵀ} applied to {@code Q_old·v}); search vectors change, so callers must rebuild
     * their indexes. Every copy made before (backups, exports, stolen files) no longer matches this deployment.
     */
    void rekey(AuditEntry audit) throws GalleryException;

    /** Closes connections; further calls fail with {@link ErrorCode#CLOSED}. */
    @Override
    void close() throws GalleryException;

    /** Receives templates one by one from {@link #forEachTemplate}. */
    @FunctionalInterface
    interface TemplateVisitor {
        void accept(StoredTemplate template) throws GalleryException;
    }
}
