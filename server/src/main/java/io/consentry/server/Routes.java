package io.consentry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.Permission;
import io.consentry.store.ReviewStatus;
import io.consentry.store.Role;
import io.consentry.store.audit.AuditAction;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

/**
 * The route table: every route of the server, with its method, path, roles and handler, in one list ({@link #all()}).
 * Roles come from the service's {@link Permission} matrix, so the HTTP check and the service's own check agree.
 * Handlers only parse ({@link Call}), call the {@link GalleryService} and map the result to a {@link Dto}.
 */
public final class Routes {
    /** Prefix of the versioned API. */
    public static final String API = "/api/v1";
    /** Largest page of subjects, cases or audit records. */
    static final int MAX_PAGE = 1000;

    private final GalleryService gallery;
    private final FaceEngine engine;
    private final Supplier<String> metrics;
    private final List<Route> all;
    private volatile ObjectNode openApi;

    Routes(GalleryService gallery, FaceEngine engine, Supplier<String> metrics) {
        this(gallery, engine, metrics, List.of());
    }

    /** With {@code extra} routes (the video routes) appended to the table. */
    Routes(GalleryService gallery, FaceEngine engine, Supplier<String> metrics, List<Route> extra) {
        this.gallery = gallery;
        this.engine = engine;
        this.metrics = metrics;
        List<Route> t = new java.util.ArrayList<>(table());
        t.addAll(extra);
        this.all = List.copyOf(t);
    }

    /** Every route, in the order of the OpenAPI document. */
    public List<Route> all() {
        return all;
    }

    private List<Route> table() {
        return List.of(
                // --- meta
                Route.open("health", GET, API + "/health", "Liveness, version and model pack", this::health)
                        .returns(Dto.HealthResponse.class),
                Route.open("openapi", GET, API + "/openapi.json", "This OpenAPI 3.0 document, generated from the route table", this::openApi),
                Route.loopbackOr("metrics", GET, "/metrics", Set.of(Role.ADMIN, Role.AUDITOR), "Prometheus metrics", c -> metrics.get())
                        .media("text/plain; version=0.0.4"),
                anyRole("me", GET, API + "/me", "The calling key: id, name and role (never its secret); the console shows what the role may do",
                        this::me)
                        .returns(Dto.MeResponse.class),
                Route.secured("calibration", GET, API + "/calibration", Permission.LIST_COLLECTIONS, AuditAction.READ,
                                "The engine's similarity threshold: the deployment's calibration if any, else the pack's default", this::calibration)
                        .returns(Dto.CalibrationResponse.class),

                // --- operator: inference
                Route.secured("detect", POST, API + "/detect", Permission.DETECT, AuditAction.DETECT, "Faces in an image: boxes and scores", this::detect)
                        .image(Dto.DetectRequest.class).returns(Dto.DetectResponse.class).gated(),
                Route.secured("verify", POST, API + "/verify", Permission.VERIFY, AuditAction.VERIFY,
                                "1:1: is the largest face the subject? (not for watchlists)", this::verify)
                        .image(Dto.VerifyRequest.class).returns(Dto.VerifyResponse.class).gated(),
                Route.secured("identify", POST, API + "/identify", Permission.IDENTIFY, AuditAction.IDENTIFY,
                                "1:N: the k most similar subjects of a collection; watchlist hits are review candidates only", this::identify)
                        .image(Dto.IdentifyRequest.class).returns(Dto.IdentifyResponse.class).gated(),

                // --- admin: collections (all roles may list and read them)
                Route.secured("createCollection", POST, API + "/collections", Permission.MANAGE_COLLECTIONS, AuditAction.COLLECTION_CREATE,
                                "Create a collection", this::createCollection)
                        .json(Dto.CollectionRequest.class).returns(Dto.CollectionDto.class).status(201),
                Route.secured("listCollections", GET, API + "/collections", Permission.LIST_COLLECTIONS, AuditAction.READ,
                                "List collections", this::collections)
                        .returnsList(Dto.CollectionDto.class),
                Route.secured("getCollection", GET, API + "/collections/{collectionId}", Permission.LIST_COLLECTIONS, AuditAction.READ,
                                "Read a collection", this::collection)
                        .returns(Dto.CollectionDto.class),
                Route.secured("updateCollection", PUT, API + "/collections/{collectionId}", Permission.MANAGE_COLLECTIONS,
                                AuditAction.COLLECTION_UPDATE, "Replace a collection's settings (omitted fields take their defaults)",
                                this::updateCollection)
                        .json(Dto.CollectionRequest.class).returns(Dto.CollectionDto.class),
                Route.secured("deleteCollection", DELETE, API + "/collections/{collectionId}", Permission.MANAGE_COLLECTIONS,
                                AuditAction.COLLECTION_DELETE, "Delete a collection and its templates", this::deleteCollection)
                        .returns(Dto.CollectionDeletion.class),

                // --- enroller: subjects, consents, enrolment, erasure
                Route.secured("createSubject", POST, API + "/subjects", Permission.MANAGE_SUBJECTS, AuditAction.SUBJECT_CREATE,
                                "Create a subject", this::createSubject)
                        .json(Dto.SubjectRequest.class).returns(Dto.SubjectDto.class).status(201),
                Route.secured("listSubjects", GET, API + "/subjects", Permission.MANAGE_SUBJECTS, AuditAction.READ,
                                "List subjects, or find one by external id", this::subjects)
                        .returnsList(Dto.SubjectDto.class)
                        .query("externalId", String.class, "only the subject with this external id")
                        .query("offset", Integer.class, "skip this many (default 0)")
                        .query("limit", Integer.class, "at most this many (default 100, max " + MAX_PAGE + ")"),
                Route.secured("getSubject", GET, API + "/subjects/{subjectId}", Permission.MANAGE_SUBJECTS, AuditAction.READ,
                                "Read a subject", this::subject)
                        .returns(Dto.SubjectDto.class),
                Route.secured("eraseSubject", DELETE, API + "/subjects/{subjectId}", Permission.ERASE_SUBJECTS, AuditAction.SUBJECT_ERASE,
                                "Erase a subject (GDPR Art. 17): templates, source images and the record; consents kept as evidence hashes",
                                this::eraseSubject)
                        .returns(Dto.ErasureResponse.class),
                Route.secured("recordConsent", POST, API + "/subjects/{subjectId}/consents", Permission.MANAGE_CONSENTS,
                                AuditAction.CONSENT_RECORD, "Record a consent or legal basis", this::recordConsent)
                        .json(Dto.ConsentRequest.class).returns(Dto.ConsentDto.class).status(201),
                Route.secured("listConsents", GET, API + "/subjects/{subjectId}/consents", Permission.MANAGE_CONSENTS, AuditAction.READ,
                                "A subject's consents", this::consents)
                        .returnsList(Dto.ConsentDto.class),
                Route.secured("withdrawConsent", POST, API + "/consents/{consentId}/withdraw", Permission.MANAGE_CONSENTS,
                                AuditAction.CONSENT_WITHDRAW, "Withdraw a consent; templates no other consent covers are deleted",
                                this::withdrawConsent)
                        .returns(Dto.ConsentWithdrawal.class),
                Route.secured("enrol", POST, API + "/subjects/{subjectId}/faces", Permission.ENROL, AuditAction.ENROL,
                                "Enrol the image's single face (needs a valid consent for the collection's purpose)", this::enrol)
                        .image(Dto.EnrolRequest.class).returns(Dto.EnrolmentResponse.class).status(201).gated(),
                Route.secured("deleteFace", DELETE, API + "/faces/{templateId}", Permission.ENROL, AuditAction.TEMPLATE_DELETE,
                                "Delete one enrolled template", this::deleteFace)
                        .returns(Dto.TemplateRefDto.class),

                // --- reviewer: watchlist cases
                Route.secured("listReviewCases", GET, API + "/review-cases", Permission.REVIEW, AuditAction.READ,
                                "Watchlist review cases, newest first", this::reviewCases)
                        .returnsList(Dto.ReviewCaseDto.class)
                        .query("status", ReviewStatus.class, "only cases in this state (default: all)")
                        .query("limit", Integer.class, "at most this many (default 100, max " + MAX_PAGE + ")"),
                Route.secured("getReviewCase", GET, API + "/review-cases/{caseId}", Permission.REVIEW, AuditAction.READ,
                                "Read a review case", this::reviewCase)
                        .returns(Dto.ReviewCaseDto.class),
                Route.secured("decideReviewCase", POST, API + "/review-cases/{caseId}/decisions", Permission.REVIEW, AuditAction.REVIEW_DECIDE,
                                "Confirm a candidate or reject the case; confirmed only when two different reviewers confirm", this::decide)
                        .json(Dto.ReviewDecisionRequest.class).returns(Dto.ReviewCaseDto.class),

                // --- auditor
                Route.secured("readAudit", GET, API + "/audit", Permission.READ_AUDIT, AuditAction.AUDIT_READ, "Audit records (audited)",
                                this::audit)
                        .returns(Dto.AuditPage.class)
                        .query("fromSeq", Long.class, "first sequence number (default 1)")
                        .query("limit", Integer.class, "at most this many (default 100, max " + MAX_PAGE + ")"),
                Route.secured("verifyAudit", GET, API + "/audit/verify", Permission.READ_AUDIT, AuditAction.AUDIT_VERIFY,
                                "Verify the audit hash chain (audited)", this::verifyAudit)
                        .returns(Dto.AuditVerificationResponse.class),
                Route.secured("exportAudit", GET, API + "/audit/export", Permission.READ_AUDIT, AuditAction.AUDIT_EXPORT,
                                "The whole audit log as JSON Lines (audited)", this::exportAudit)
                        .media("application/x-ndjson"),

                // --- admin: keys, authorisations, maintenance
                Route.secured("createApiKey", POST, API + "/api-keys", Permission.MANAGE_API_KEYS, AuditAction.API_KEY_CREATE,
                                "Create an API key; the secret is in this response only", this::createApiKey)
                        .json(Dto.ApiKeyRequest.class).returns(Dto.IssuedApiKeyResponse.class).status(201),
                Route.secured("listApiKeys", GET, API + "/api-keys", Permission.MANAGE_API_KEYS, AuditAction.READ, "List API keys (no secrets)",
                                this::apiKeys)
                        .returnsList(Dto.ApiKeyDto.class),
                Route.secured("revokeApiKey", POST, API + "/api-keys/{keyId}/revoke", Permission.MANAGE_API_KEYS, AuditAction.API_KEY_REVOKE,
                                "Revoke an API key", this::revokeApiKey)
                        .returns(Dto.ApiKeyDto.class),
                Route.secured("createAuthorisation", POST, API + "/authorisations", Permission.MANAGE_AUTHORISATIONS,
                                AuditAction.AUTHORISATION_CREATE, "Record a watchlist authorisation", this::createAuthorisation)
                        .json(Dto.AuthorisationRequest.class).returns(Dto.AuthorisationDto.class).status(201),
                Route.secured("listAuthorisations", GET, API + "/authorisations", Permission.MANAGE_AUTHORISATIONS, AuditAction.READ,
                                "List watchlist authorisations", this::authorisations)
                        .returnsList(Dto.AuthorisationDto.class),
                Route.secured("revokeAuthorisation", POST, API + "/authorisations/{authorisationId}/revoke", Permission.MANAGE_AUTHORISATIONS,
                                AuditAction.AUTHORISATION_REVOKE, "Revoke a watchlist authorisation", this::revokeAuthorisation)
                        .returns(Dto.AuthorisationDto.class),
                Route.secured("purgeRetention", POST, API + "/admin/retention/purge", Permission.RUN_RETENTION, AuditAction.RETENTION_PURGE,
                                "Run the retention purge now", this::purge)
                        .returns(Dto.PurgeResponse.class),
                Route.secured("reloadIndexes", POST, API + "/admin/indexes/reload", Permission.MANAGE_COLLECTIONS, AuditAction.SERVICE_START,
                                "Rebuild the search indexes from the store (after changes by another process, e.g. the CLI)", this::reloadIndexes)
                        .status(204),
                Route.secured("rotateKeys", POST, API + "/admin/keys/rotate", Permission.MANAGE_KEYS, AuditAction.KEY_ROTATE,
                                "Re-encrypt every template under a new AES key", this::rotateKeys)
                        .status(204),
                Route.secured("rekey", POST, API + "/admin/keys/rekey", Permission.MANAGE_KEYS, AuditAction.KEY_REKEY,
                                "New AES key and new search-space transform; indexes rebuilt", this::rekey)
                        .status(204));
    }

    // =================================================================================================================
    // Handlers: parse → call → map

    private Dto.HealthResponse health(Call c) {
        return new Dto.HealthResponse("ok", ConsentryServer.VERSION, engine.pack().manifest().pack(), gallery.modelId());
    }

    private ObjectNode openApi(Call c) {
        ObjectNode doc = openApi;
        if (doc == null) {
            doc = OpenApi.document(all, ConsentryServer.VERSION);
            openApi = doc;
        }
        return doc;
    }

    private Dto.MeResponse me(Call c) throws Exception {
        // the caller's own key record (authenticated a moment ago); no service permission is needed to know oneself
        return Dto.MeResponse.of(gallery.store().apiKey(c.actor().id()));
    }

    private Dto.CalibrationResponse calibration(Call c) {
        return Dto.CalibrationResponse.of(engine.pack().manifest().pack(), engine.pack().manifest().similarityThreshold(), engine.threshold(),
                engine.calibration());
    }

        private Dto.DetectResponse detect(Call c) throws Exception {
        var req = c.image(Dto.DetectRequest.class);
        return Dto.DetectResponse.of(c.infer(() -> gallery.detect(c.actor(), req.image())));
    }

    private Dto.VerifyResponse verify(Call c) throws Exception {
        var req = c.image(Dto.VerifyRequest.class);
        return Dto.VerifyResponse.of(c.infer(() -> gallery.verify(c.actor(), req.fields().collectionId(), req.fields().subjectId(), req.image())));
    }

    private Dto.IdentifyResponse identify(Call c) throws Exception {
        var req = c.image(Dto.IdentifyRequest.class);
        var f = req.fields();
        return Dto.IdentifyResponse.of(c.infer(() -> gallery.identify(c.actor(), f.collectionId(), req.image(), f.kOrDefault(),
                Optional.ofNullable(f.source()))));
    }

    private Dto.CollectionDto createCollection(Call c) throws Exception {
        var req = c.json(Dto.CollectionRequest.class);
        return Dto.CollectionDto.of(gallery.createCollection(c.actor(), req.toSpec(engine.threshold())));
    }

    private List<Dto.CollectionDto> collections(Call c) throws Exception {
        return gallery.collections(c.actor()).stream().map(Dto.CollectionDto::of).toList();
    }

    private Dto.CollectionDto collection(Call c) throws Exception {
        return Dto.CollectionDto.of(gallery.collection(c.actor(), c.path("collectionId")));
    }

    private Dto.CollectionDto updateCollection(Call c) throws Exception {
        var req = c.json(Dto.CollectionRequest.class);
        return Dto.CollectionDto.of(gallery.updateCollection(c.actor(), c.path("collectionId"), req.toSpec(engine.threshold())));
    }

    private Dto.CollectionDeletion deleteCollection(Call c) throws Exception {
        String id = c.path("collectionId");
        return new Dto.CollectionDeletion(id, gallery.deleteCollection(c.actor(), id));
    }

    private Dto.SubjectDto createSubject(Call c) throws Exception {
        return Dto.SubjectDto.of(gallery.createSubject(c.actor(), c.json(Dto.SubjectRequest.class).toSpec()));
    }

    private List<Dto.SubjectDto> subjects(Call c) throws Exception {
        Optional<String> external = c.query("externalId");
        if (external.isPresent()) {
            return gallery.findSubjectByExternalId(c.actor(), external.get()).map(Dto.SubjectDto::of).stream().toList();
        }
        int offset = (int) c.queryLong("offset", 0, 0, Integer.MAX_VALUE);
        int limit = (int) c.queryLong("limit", 100, 1, MAX_PAGE);
        return gallery.subjects(c.actor(), offset, limit).stream().map(Dto.SubjectDto::of).toList();
    }

    private Dto.SubjectDto subject(Call c) throws Exception {
        return Dto.SubjectDto.of(gallery.subject(c.actor(), c.path("subjectId")));
    }

    private Dto.ErasureResponse eraseSubject(Call c) throws Exception {
        return Dto.ErasureResponse.of(gallery.eraseSubject(c.actor(), c.path("subjectId")));
    }

    private Dto.ConsentDto recordConsent(Call c) throws Exception {
        var req = c.json(Dto.ConsentRequest.class);
        return Dto.ConsentDto.of(gallery.recordConsent(c.actor(), req.toSpec(c.path("subjectId"), Instant.now())));
    }

    private List<Dto.ConsentDto> consents(Call c) throws Exception {
        return gallery.consents(c.actor(), c.path("subjectId")).stream().map(Dto.ConsentDto::of).toList();
    }

    private Dto.ConsentWithdrawal withdrawConsent(Call c) throws Exception {
        return Dto.ConsentWithdrawal.of(gallery.withdrawConsent(c.actor(), c.path("consentId")));
    }

    private Dto.EnrolmentResponse enrol(Call c) throws Exception {
        var req = c.image(Dto.EnrolRequest.class);
        String subjectId = c.path("subjectId");
        return Dto.EnrolmentResponse.of(c.infer(() -> gallery.enrol(c.actor(), subjectId, req.fields().collectionId(), req.image())));
    }

    private Dto.TemplateRefDto deleteFace(Call c) throws Exception {
        return Dto.TemplateRefDto.of(gallery.deleteTemplate(c.actor(), c.path("templateId")));
    }

    private List<Dto.ReviewCaseDto> reviewCases(Call c) throws Exception {
        Optional<ReviewStatus> status = c.queryEnum("status", ReviewStatus.class);
        int limit = (int) c.queryLong("limit", 100, 1, MAX_PAGE);
        return gallery.reviewCases(c.actor(), status, limit).stream().map(Dto.ReviewCaseDto::of).toList();
    }

    private Dto.ReviewCaseDto reviewCase(Call c) throws Exception {
        return Dto.ReviewCaseDto.of(gallery.reviewCase(c.actor(), c.path("caseId")));
    }

    private Dto.ReviewCaseDto decide(Call c) throws Exception {
        var req = c.json(Dto.ReviewDecisionRequest.class);
        return Dto.ReviewCaseDto.of(gallery.review(c.actor(), c.path("caseId"), req.verdict(), Optional.ofNullable(req.subjectId())));
    }

    private Dto.AuditPage audit(Call c) throws Exception {
        long from = c.queryLong("fromSeq", 1, 1, Long.MAX_VALUE);
        int limit = (int) c.queryLong("limit", 100, 1, MAX_PAGE);
        return Dto.AuditPage.of(gallery.readAudit(c.actor(), from, limit), limit);
    }

    private Dto.AuditVerificationResponse verifyAudit(Call c) throws Exception {
        return Dto.AuditVerificationResponse.of(gallery.verifyAudit(c.actor()));
    }

    /** Streams the export: the service writes JSON Lines straight into the response. */
    private Streamed exportAudit(Call c) {
        return out -> gallery.exportAudit(c.actor(), out);
    }

    private Dto.IssuedApiKeyResponse createApiKey(Call c) throws Exception {
        var req = c.json(Dto.ApiKeyRequest.class);
        return Dto.IssuedApiKeyResponse.of(gallery.createApiKey(c.actor(), req.name(), req.role()));
    }

    private List<Dto.ApiKeyDto> apiKeys(Call c) throws Exception {
        return gallery.apiKeys(c.actor()).stream().map(Dto.ApiKeyDto::of).toList();
    }

    private Dto.ApiKeyDto revokeApiKey(Call c) throws Exception {
        return Dto.ApiKeyDto.of(gallery.revokeApiKey(c.actor(), c.path("keyId")));
    }

    private Dto.AuthorisationDto createAuthorisation(Call c) throws Exception {
        var req = c.json(Dto.AuthorisationRequest.class);
        return Dto.AuthorisationDto.of(gallery.createAuthorisation(c.actor(), req.toSpec(Instant.now())));
    }

    private List<Dto.AuthorisationDto> authorisations(Call c) throws Exception {
        return gallery.authorisations(c.actor()).stream().map(Dto.AuthorisationDto::of).toList();
    }

    private Dto.AuthorisationDto revokeAuthorisation(Call c) throws Exception {
        return Dto.AuthorisationDto.of(gallery.revokeAuthorisation(c.actor(), c.path("authorisationId")));
    }

    private Dto.PurgeResponse purge(Call c) throws Exception {
        return Dto.PurgeResponse.of(gallery.purgeNow(c.actor()));
    }

    private Object reloadIndexes(Call c) throws Exception {
        gallery.reloadIndexes(c.actor());
        return null;
    }

    private Object rotateKeys(Call c) throws Exception {
        gallery.rotateKeys(c.actor());
        return null;
    }

    private Object rekey(Call c) throws Exception {
        gallery.rekey(c.actor());
        return null;
    }

    /** A route for a key of any role: it concerns only the caller itself, so no permission of the service applies. */
    private static Route anyRole(String operationId, HandlerType method, String path, String summary, Route.Action action) {
        return new Route(operationId, method, path, Route.Access.KEY, Optional.empty(), EnumSet.allOf(Role.class), AuditAction.READ, summary,
                Route.Body.NONE, Void.class, Void.class, false, 200, Route.JSON_MEDIA, List.of(), false, action);
    }

        /** A response body the handler writes itself (large exports). */
    @FunctionalInterface
    interface Streamed {
        void writeTo(java.io.OutputStream out) throws Exception;
    }

    /** Writes a handler's result: JSON (or text/stream per the route's media type), with the route's status. */
    static void respond(Context ctx, Route route, Object result) throws Exception {
        ctx.status(route.status());
        if (route.status() == 204 || result == null) {
            return;
        }
        ctx.contentType(route.responseMedia());
        if (result instanceof Streamed s) {
            s.writeTo(ctx.outputStream());
        } else if (result instanceof String text) {
            ctx.result(text);
        } else {
            ctx.result(Json.MAPPER.writeValueAsBytes(result));
        }
    }
}
