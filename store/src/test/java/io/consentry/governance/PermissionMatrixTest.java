package io.consentry.governance;

import io.consentry.store.AccessDeniedException;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.CollectionSpec;
import io.consentry.store.ConsentSpec;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.SubjectSpec;
import io.consentry.store.Verdict;
import io.consentry.store.audit.AuditOutcome;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.crypto.DeploymentKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every role against every service operation: refused with FORBIDDEN (and audited as denied) exactly when the
 * {@link Permission} matrix says so. Operations use unknown ids or invalid images where possible so that an allowed
 * call ends quickly (not found, bad image) without running the face engine.
 */
class PermissionMatrixTest {
    @TempDir
    Path dir;
    GalleryService service;

    @BeforeEach
    void start() throws Exception {
        service = new GalleryService(SqliteGalleryStore.open(dir.resolve("gallery.db"), DeploymentKeys.generateInMemory()), TestEngine.get(),
                GalleryServiceOptions.builder().optRetentionInterval(Duration.ZERO).build());
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    @FunctionalInterface
    interface Call {
        void run(Actor a) throws GalleryException;
    }

    private static final ImageInput NOT_AN_IMAGE = ImageInput.encoded(new byte[]{1, 2, 3}, "x.jpg");

    private Map<String, Map.Entry<Set<Role>, Call>> operations() {
        Instant now = Instant.now();
        Map<String, Map.Entry<Set<Role>, Call>> ops = new LinkedHashMap<>();
        ops.put("create collection", Map.entry(EnumSet.of(Role.ADMIN),
                a -> service.createCollection(a, CollectionSpec.of("c-" + a.id() + System.nanoTime(), Purpose.ACCESS_CONTROL, 0.8))));
        ops.put("update collection", Map.entry(EnumSet.of(Role.ADMIN),
                a -> service.updateCollection(a, "ghost", CollectionSpec.of("x", Purpose.ACCESS_CONTROL, 0.8))));
        ops.put("delete collection", Map.entry(EnumSet.of(Role.ADMIN), a -> service.deleteCollection(a, "ghost")));
        ops.put("list collections", Map.entry(EnumSet.allOf(Role.class), a -> service.collections(a)));
        ops.put("create API key", Map.entry(EnumSet.of(Role.ADMIN), a -> service.createApiKey(a, "k", Role.OPERATOR)));
        ops.put("list API keys", Map.entry(EnumSet.of(Role.ADMIN), a -> service.apiKeys(a)));
        ops.put("revoke API key", Map.entry(EnumSet.of(Role.ADMIN), a -> service.revokeApiKey(a, "ghost")));
        ops.put("create authorisation", Map.entry(EnumSet.of(Role.ADMIN), a -> service.createAuthorisation(a,
                new AuthorisationSpec("Court", "Order", Set.of("ghost"), Set.of(), now, now.plus(Duration.ofDays(1))))));
        ops.put("rotate keys", Map.entry(EnumSet.of(Role.ADMIN), a -> service.rotateKeys(a)));
        ops.put("purge now", Map.entry(EnumSet.of(Role.ADMIN), a -> service.purgeNow(a)));
        ops.put("create subject", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.createSubject(a, SubjectSpec.of("S"))));
        ops.put("read subject", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.subject(a, "ghost")));
        ops.put("record consent", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.recordConsent(a,
                ConsentSpec.inApp("ghost", Set.of(Purpose.ACCESS_CONTROL), now, Optional.empty(), Optional.empty()))));
        ops.put("withdraw consent", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.withdrawConsent(a, "ghost")));
        ops.put("enrol", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.enrol(a, "ghost", "ghost", NOT_AN_IMAGE)));
        ops.put("delete template", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.deleteTemplate(a, "ghost")));
        ops.put("erase subject", Map.entry(EnumSet.of(Role.ENROLLER), a -> service.eraseSubject(a, "ghost")));
        ops.put("detect", Map.entry(EnumSet.of(Role.OPERATOR), a -> service.detect(a, NOT_AN_IMAGE)));
        ops.put("verify", Map.entry(EnumSet.of(Role.OPERATOR), a -> service.verify(a, "ghost", "ghost", NOT_AN_IMAGE)));
        ops.put("identify", Map.entry(EnumSet.of(Role.OPERATOR), a -> service.identify(a, "ghost", NOT_AN_IMAGE, 5)));
        ops.put("list review cases", Map.entry(EnumSet.of(Role.REVIEWER), a -> service.reviewCases(a, Optional.empty(), 10)));
        ops.put("review", Map.entry(EnumSet.of(Role.REVIEWER), a -> service.review(a, "ghost", Verdict.REJECT, Optional.empty())));
        ops.put("read audit", Map.entry(EnumSet.of(Role.AUDITOR), a -> service.readAudit(a, 1, 10)));
        ops.put("export audit", Map.entry(EnumSet.of(Role.AUDITOR), a -> service.exportAudit(a, new ByteArrayOutputStream())));
        ops.put("verify audit", Map.entry(EnumSet.of(Role.AUDITOR), a -> service.verifyAudit(a)));
        return ops;
    }

    @Test
    void eachRoleMayDoExactlyWhatTheMatrixAllows() throws Exception {
        List<String> wrong = new ArrayList<>();
        int denied = 0;
        for (Role role : Role.values()) {
            Actor actor = new Actor("key-" + role.wireName(), role);
            for (Map.Entry<String, Map.Entry<Set<Role>, Call>> op : operations().entrySet()) {
                boolean allowed = op.getValue().getKey().contains(role);
                try {
                    op.getValue().getValue().run(actor);
                    if (!allowed) {
                        wrong.add(role + " could " + op.getKey());
                    }
                } catch (AccessDeniedException e) {
                    if (e.code() != ErrorCode.FORBIDDEN) {
                        wrong.add(role + " " + op.getKey() + ": " + e.code());
                    } else if (allowed) {
                        wrong.add(role + " was refused " + op.getKey());
                    } else {
                        denied++;
                    }
                } catch (GalleryException e) {
                    if (!allowed) {
                        wrong.add(role + " reached " + op.getKey() + " (" + e.code() + ")");
                    }
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
        Actor auditor = new Actor("key-auditor", Role.AUDITOR);
        List<AuditRecord> deniedRecords = service.readAudit(auditor, 1, 10_000).stream()
                .filter(r -> r.entry().outcome() == AuditOutcome.DENIED).toList();
        assertEquals(denied, deniedRecords.size(), "every refusal is audited");
        assertTrue(deniedRecords.stream().allMatch(r -> r.entry().detail().startsWith("role ")));
        assertTrue(service.verifyAudit(auditor).intact());
    }

    @Test
    void theMatrixIsLeastPrivilege() {
        for (Permission p : Permission.values()) {
            if (p != Permission.LIST_COLLECTIONS && p != Permission.LIST_SOURCES) { // names and states only
                assertEquals(1, p.roles().size(), p + " is held by one role only");
            }
        }
        // no role may both search and confirm, or both produce and read the audit log
        assertTrue(!Permission.IDENTIFY.allows(Role.REVIEWER) && !Permission.REVIEW.allows(Role.OPERATOR));
        assertTrue(!Permission.READ_AUDIT.allows(Role.ADMIN));
    }
}
