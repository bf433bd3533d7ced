package io.consentry.server;

import io.consentry.engine.Calibration;
import io.consentry.geometry.Box;
import io.consentry.governance.Candidate;
import io.consentry.governance.DetectedFace;
import io.consentry.governance.Enrolment;
import io.consentry.governance.IdentifyResult;
import io.consentry.governance.MatchStatus;
import io.consentry.governance.VerifyResult;
import io.consentry.store.ApiKey;
import io.consentry.store.Authorisation;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.Consent;
import io.consentry.store.ConsentBasis;
import io.consentry.store.ConsentChange;
import io.consentry.store.ConsentSpec;
import io.consentry.store.ErasureReport;
import io.consentry.store.IssuedApiKey;
import io.consentry.store.PurgeReport;
import io.consentry.store.Purpose;
import io.consentry.store.ReviewCase;
import io.consentry.store.ReviewDecision;
import io.consentry.store.ReviewStatus;
import io.consentry.store.Role;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import io.consentry.store.TemplateRef;
import io.consentry.store.Verdict;
import io.consentry.store.audit.AuditBreak;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request and response bodies of the REST API: plain records, mapped from and to the service's types by the
 * static {@code of} factories and {@code toSpec} methods (no logic beyond renaming and defaults). Wire rules (enum
 * names, instants, omitted nulls) are in {@link Json}; request components marked {@link Required} must be present.
 * Nothing here can carry a descriptor: responses hold ids, boxes, scores and hashes only.
 */
public final class Dto {
    private Dto() {
    }

    // =================================================================================================================
    // Requests

    /** An image route's fields other than the image itself (detect has none). */
    public record DetectRequest() {
    }

    /**
     * A collection to create, or (PUT) the full new settings of one. Omitted optional fields take their defaults, also
     * on PUT.
     *
     * @param retentionDays     days after a subject's last interaction its templates are kept (default and max 1095)
     * @param matchThreshold    cosine similarity at or above which a result is a match (default: the engine's threshold)
     * @param storeSourceImages keep enrolment images, encrypted (default false: only their SHA-256)
     */
    public record CollectionRequest(@Required String name, @Required Purpose purpose, Integer retentionDays, Double matchThreshold,
                                    Boolean storeSourceImages) {
        CollectionSpec toSpec(double defaultThreshold) {
            return new CollectionSpec(name, purpose,
                    retentionDays == null ? CollectionSpec.MAX_RETENTION : Duration.ofDays(retentionDays),
                    matchThreshold == null ? defaultThreshold : matchThreshold, Boolean.TRUE.equals(storeSourceImages));
        }
    }

    /** A subject to create; {@code externalId} is the person's id in the deploying organisation's system. */
    public record SubjectRequest(@Required String displayName, String externalId) {
        SubjectSpec toSpec() {
            return new SubjectSpec(displayName, Optional.ofNullable(externalId));
        }
    }

    /**
     * A consent (or legal basis) to record for the subject in the path.
     *
     * @param legalReference required for basis {@code legal-basis}
     * @param givenAt        default: now
     * @param evidenceSha256 hex SHA-256 of the evidence document; required for basis {@code signed-form}
     */
    public record ConsentRequest(@Required Set<Purpose> purposes, @Required ConsentBasis basis, String legalReference, Instant givenAt,
                                 Instant expiresAt, String evidenceSha256) {
        ConsentSpec toSpec(String subjectId, Instant now) {
            return new ConsentSpec(subjectId, purposes, basis, Optional.ofNullable(legalReference), givenAt == null ? now : givenAt,
                    Optional.ofNullable(expiresAt), Optional.ofNullable(evidenceSha256));
        }
    }

    /** Enrol the image's single face for the subject in the path into {@code collectionId}. */
    public record EnrolRequest(@Required String collectionId) {
    }

    /** 1:1: is the largest face in the image {@code subjectId} (compared with its templates in {@code collectionId})? */
    public record VerifyRequest(@Required String collectionId, @Required String subjectId) {
    }

    /**
     * 1:N search of {@code collectionId}.
     *
     * @param k      how many subjects to return, best first (default 5)
     * @param source the camera or site of the probe (checked against a watchlist authorisation's scope)
     */
    public record IdentifyRequest(@Required String collectionId, Integer k, String source) {
        static final int DEFAULT_K = 5;

        int kOrDefault() {
            return k == null ? DEFAULT_K : k;
        }
    }

    /** A reviewer's decision; {@code subjectId} names the confirmed candidate (required to confirm). */
    public record ReviewDecisionRequest(@Required Verdict verdict, String subjectId) {
    }

    /** An API key to create for a person or system holding one role. */
    public record ApiKeyRequest(@Required String name, @Required Role role) {
    }

    /**
     * A watchlist authorisation to record.
     *
     * @param sources   camera or site ids covered; omitted or empty = any source
     * @param validFrom default: now
     */
    public record AuthorisationRequest(@Required String issuer, @Required String legalReference, @Required Set<String> collectionIds,
                                       Set<String> sources, Instant validFrom, @Required Instant expiresAt) {
        AuthorisationSpec toSpec(Instant now) {
            return new AuthorisationSpec(issuer, legalReference, collectionIds, sources == null ? Set.of() : sources,
                    validFrom == null ? now : validFrom, expiresAt);
        }
    }

    // =================================================================================================================
    // Responses

    /** Liveness: {@code status} is {@code "ok"} while the server accepts requests. */
    public record HealthResponse(String status, String version, String packId, String modelId) {
    }

    /** A box in image pixels: (x, y) is the top-left corner. */
    public record BoxDto(double x, double y, double width, double height) {
        static BoxDto of(Box b) {
            return new BoxDto(b.x(), b.y(), b.width(), b.height());
        }
    }

    /** A detected face: box and detector confidence in [0, 1]. */
    public record FaceDto(BoxDto box, double score) {
        static FaceDto of(DetectedFace f) {
            return new FaceDto(BoxDto.of(f.box()), f.score());
        }
    }

    public record DetectResponse(int count, List<FaceDto> faces) {
        static DetectResponse of(List<DetectedFace> faces) {
            return new DetectResponse(faces.size(), faces.stream().map(FaceDto::of).toList());
        }
    }

    /** The calling API key (never its secret). */
    public record MeResponse(String keyId, String name, Role role, Instant createdAt) {
        static MeResponse of(ApiKey k) {
            return new MeResponse(k.id(), k.name(), k.role(), k.createdAt());
        }
    }

    /**
     * The engine's decision threshold (cosine similarity). {@code threshold} is the deployment's calibration when
     * {@code calibrated}, else the pack's default {@code packThreshold}; each collection sets its own
     * {@code matchThreshold}, ideally from this. The FMR/FNMR fields are measured on the calibration pairs
     * ({@code consentry calibrate}); {@code pairsFile} is the file name of those pairs.
     */
    public record CalibrationResponse(String packId, double packThreshold, double threshold, boolean calibrated, Double targetFmr,
                                      Double measuredFmr, Double measuredFnmr, Integer impostorPairs, Integer genuinePairs, String pairsFile,
                                      String calibratedAt) {
        static CalibrationResponse of(String packId, double packThreshold, double threshold, Optional<Calibration> calibration) {
            if (calibration.isEmpty()) {
                return new CalibrationResponse(packId, packThreshold, threshold, false, null, null, null, null, null, null, null);
            }
            Calibration k = calibration.get();
            String file = k.source() == null ? null : k.source().substring(Math.max(k.source().lastIndexOf('/'), k.source().lastIndexOf('\\')) + 1);
            return new CalibrationResponse(packId, packThreshold, threshold, true, k.targetFmr(), k.measuredFmr(), k.measuredFnmr(),
                    k.impostorPairs(), k.genuinePairs(), file, k.createdAt());
        }
    }

    /** {@code match} is {@code similarity >= threshold} (cosine similarity in [-1, 1]). */
    public record VerifyResponse(String subjectId, String collectionId, double similarity, boolean match, double threshold, BoxDto probeFace,
                                 int templatesCompared) {
        static VerifyResponse of(VerifyResult r) {
            return new VerifyResponse(r.subjectId(), r.collectionId(), r.similarity(), r.match(), r.threshold(), BoxDto.of(r.probeFace()),
                    r.templatesCompared());
        }
    }

    /** One subject in a search result; {@code match} is true only for status {@code match} (never on a watchlist). */
    public record CandidateDto(String subjectId, double similarity, MatchStatus status, boolean match) {
        static CandidateDto of(Candidate c) {
            return new CandidateDto(c.subjectId(), c.similarity(), c.status(), c.match());
        }
    }

    /**
     * A 1:N result, best first. For a watchlist: only hits at or above the threshold, all {@code review-candidate},
     * and {@code reviewCaseId} names the case opened for two reviewers; nothing here is ever a confirmed
     * identification.
     */
    public record IdentifyResponse(String collectionId, Purpose purpose, double threshold, BoxDto probeFace, int facesInImage,
                                   List<CandidateDto> candidates, String reviewCaseId) {
        static IdentifyResponse of(IdentifyResult r) {
            return new IdentifyResponse(r.collectionId(), r.purpose(), r.threshold(), BoxDto.of(r.probeFace()), r.facesInImage(),
                    r.candidates().stream().map(CandidateDto::of).toList(), r.reviewCaseId().orElse(null));
        }
    }

    /** The stored template (never its descriptor); {@code quality} in [0, 1]. */
    public record EnrolmentResponse(String templateId, String subjectId, String collectionId, double quality, BoxDto face, String imageSha256) {
        static EnrolmentResponse of(Enrolment e) {
            return new EnrolmentResponse(e.templateId(), e.subjectId(), e.collectionId(), e.quality(), BoxDto.of(e.face()), e.imageSha256());
        }
    }

    public record CollectionDto(String id, String name, Purpose purpose, long retentionDays, double matchThreshold, boolean storeSourceImages,
                                Instant createdAt) {
        static CollectionDto of(Collection c) {
            return new CollectionDto(c.id(), c.name(), c.purpose(), c.retention().toDays(), c.matchThreshold(), c.storeSourceImages(),
                    c.createdAt());
        }
    }

    public record CollectionDeletion(String collectionId, int templatesRemoved) {
    }

    public record SubjectDto(String id, String displayName, String externalId, Instant createdAt, Instant lastInteractionAt) {
        static SubjectDto of(Subject s) {
            return new SubjectDto(s.id(), s.displayName(), s.externalId().orElse(null), s.createdAt(), s.lastInteractionAt());
        }
    }

    public record ConsentDto(String id, String subjectId, Set<Purpose> purposes, ConsentBasis basis, String legalReference, Instant givenAt,
                             Instant expiresAt, String evidenceSha256, String recordedBy, Instant recordedAt, Instant withdrawnAt) {
        static ConsentDto of(Consent c) {
            return new ConsentDto(c.id(), c.subjectId(), c.purposes(), c.basis(), c.legalReference().orElse(null), c.givenAt(),
                    c.expiresAt().orElse(null), c.evidenceSha256().orElse(null), c.recordedBy(), c.recordedAt(), c.withdrawnAt().orElse(null));
        }
    }

    public record TemplateRefDto(String templateId, String subjectId, String collectionId) {
        static TemplateRefDto of(TemplateRef t) {
            return new TemplateRefDto(t.templateId(), t.subjectId(), t.collectionId());
        }

        static List<TemplateRefDto> of(List<TemplateRef> refs) {
            return refs.stream().map(TemplateRefDto::of).toList();
        }
    }

    /** A withdrawn consent and the templates deleted because no other valid consent covers them. */
    public record ConsentWithdrawal(ConsentDto consent, List<TemplateRefDto> removedTemplates) {
        static ConsentWithdrawal of(ConsentChange c) {
            return new ConsentWithdrawal(ConsentDto.of(c.consent()), TemplateRefDto.of(c.removedTemplates()));
        }
    }

    /** Erasure (GDPR Art. 17): {@code scrubbed} = no deleted bytes remain in the database files. */
    public record ErasureResponse(String subjectId, List<TemplateRefDto> removedTemplates, int consentsRetained, boolean scrubbed) {
        static ErasureResponse of(ErasureReport r) {
            return new ErasureResponse(r.subjectId(), TemplateRefDto.of(r.removedTemplates()), r.consentsRetained(), r.scrubbed());
        }
    }

    public record ApiKeyDto(String id, String name, Role role, Instant createdAt, Instant revokedAt) {
        static ApiKeyDto of(ApiKey k) {
            return new ApiKeyDto(k.id(), k.name(), k.role(), k.createdAt(), k.revokedAt().orElse(null));
        }
    }

    /** A new key with its secret: shown in this response only (the server keeps its hash). */
    public record IssuedApiKeyResponse(ApiKeyDto key, String secret, String note) {
        static IssuedApiKeyResponse of(IssuedApiKey k) {
            return new IssuedApiKeyResponse(ApiKeyDto.of(k.key()), k.secret(),
                    "the secret is shown once; send it as X-API-Key or Authorization: Bearer");
        }
    }

    public record AuthorisationDto(String id, String issuer, String legalReference, Set<String> collectionIds, Set<String> sources,
                                   Instant validFrom, Instant expiresAt, String createdBy, Instant createdAt, Instant revokedAt) {
        static AuthorisationDto of(Authorisation a) {
            return new AuthorisationDto(a.id(), a.issuer(), a.legalReference(), a.collectionIds(), a.sources(), a.validFrom(),
                    a.expiresAt(), a.createdBy(), a.createdAt(), a.revokedAt().orElse(null));
        }
    }

    public record ReviewCandidateDto(String subjectId, double similarity) {
    }

    public record ReviewDecisionDto(String reviewerId, Verdict verdict, String subjectId, Instant decidedAt) {
        static ReviewDecisionDto of(ReviewDecision d) {
            return new ReviewDecisionDto(d.reviewerId(), d.verdict(), d.subjectId().orElse(null), d.decidedAt());
        }
    }

    /**
     * A watchlist review case: {@code confirmed} only after {@code requiredConfirmations} different reviewers confirmed
     * the same candidate; one rejection closes it.
     */
    public record ReviewCaseDto(String id, String collectionId, String authorisationId, String probeImageSha256, String source,
                                List<ReviewCandidateDto> candidates, ReviewStatus status, int requiredConfirmations, Instant createdAt,
                                String createdBy, List<ReviewDecisionDto> decisions, String confirmedSubjectId, Instant closedAt) {
        static ReviewCaseDto of(ReviewCase c) {
            return new ReviewCaseDto(c.id(), c.collectionId(), c.authorisationId(), c.probeImageSha256(), c.source().orElse(null),
                    c.candidates().stream().map(x -> new ReviewCandidateDto(x.subjectId(), x.similarity())).toList(), c.status(),
                    ReviewCase.REQUIRED_CONFIRMATIONS, c.createdAt(), c.createdBy(),
                    c.decisions().stream().map(ReviewDecisionDto::of).toList(), c.confirmedSubjectId().orElse(null),
                    c.closedAt().orElse(null));
        }
    }

    public record AuditCandidateDto(String id, double score) {
    }

    /** One sealed audit record; {@code hash} chains it to {@code prevHash}. */
    public record AuditRecordDto(long seq, Instant at, String actorId, Role role, String action, String outcome, String collectionId,
                                 Purpose purpose, String subjectId, String objectId, String inputImageSha256,
                                 List<AuditCandidateDto> candidates, String detail, String prevHash, String hash) {
        static AuditRecordDto of(AuditRecord r) {
            var e = r.entry();
            return new AuditRecordDto(r.seq(), r.at(), e.actorId(), e.role().orElse(null), e.action().wireName(), e.outcome().wireName(),
                    e.collectionId().orElse(null), e.purpose().orElse(null), e.subjectId().orElse(null), e.objectId().orElse(null),
                    e.inputImageSha256().orElse(null), e.candidates().stream().map(c -> new AuditCandidateDto(c.id(), c.score())).toList(),
                    e.detail(), r.prevHash(), r.hash());
        }
    }

    /** A page of the audit log; {@code nextFromSeq} is where the next page starts (absent on the last page). */
    public record AuditPage(List<AuditRecordDto> records, Long nextFromSeq) {
        static AuditPage of(List<AuditRecord> records, int limit) {
            Long next = records.size() < limit ? null : records.get(records.size() - 1).seq() + 1;
            return new AuditPage(records.stream().map(AuditRecordDto::of).toList(), next);
        }
    }

    public record AuditBreakDto(long seq, AuditBreak.Kind kind, String detail) {
    }

    /** The hash chain's verification: {@code intact} or the first break (modified, deleted or reordered records). */
    public record AuditVerificationResponse(boolean intact, long recordsChecked, long headSeq, String headHash, AuditBreakDto firstBreak) {
        static AuditVerificationResponse of(AuditVerification v) {
            return new AuditVerificationResponse(v.intact(), v.recordsChecked(), v.head().seq(), v.head().hash(),
                    v.firstBreak().map(b -> new AuditBreakDto(b.seq(), b.kind(), b.detail())).orElse(null));
        }
    }

    public record PurgeResponse(List<TemplateRefDto> consentLapsed, List<TemplateRefDto> retentionExpired, List<String> erasedSubjects) {
        static PurgeResponse of(PurgeReport r) {
            return new PurgeResponse(TemplateRefDto.of(r.consentLapsed()), TemplateRefDto.of(r.retentionExpired()), r.erasedSubjects());
        }
    }

    /**
     * An RFC 9457 problem document ({@code application/problem+json}). {@code detail} explains a client error; for
     * server errors it is generic and the cause is logged under {@code requestId}.
     */
    public record Problem(String type, String title, int status, String detail, String instance, String code, String requestId) {
    }
}
