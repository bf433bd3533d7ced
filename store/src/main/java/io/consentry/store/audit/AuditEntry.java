package io.consentry.store.audit;

import io.consentry.store.Purpose;
import io.consentry.store.Role;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An audit event before the store seals it (assigns sequence number, time and hashes). Every field is an id, a hash,
 * a score or a short text: there is no field that could hold a descriptor or an image.
 *
 * <pre>{@code
 * AuditEntry e = AuditEntry.builder("key-1234", Optional.of(Role.OPERATOR), AuditAction.IDENTIFY)
 *         .optCollection(collectionId).optImageSha256(hash).optCandidates(hits).build();
 * }</pre>
 *
 * @param actorId          who (API key id, {@code "system"} for the scheduler, {@code "anonymous"} for failed logins)
 * @param role             the actor's role; empty when unknown (failed login)
 * @param action           what
 * @param outcome          how it ended
 * @param collectionId     the collection concerned
 * @param purpose          the collection's purpose (or the consent's, for consent events)
 * @param subjectId        the subject concerned
 * @param objectId         the object created or changed (template, consent, case, key, authorisation id)
 * @param inputImageSha256 hex SHA-256 of the input image (probe or enrolment image)
 * @param candidates       search results: ids and scores, best first
 * @param detail           a short explanation, at most {@link #MAX_DETAIL} characters (longer text is cut); never
 *                         secrets or biometric data
 */
public record AuditEntry(String actorId, Optional<Role> role, AuditAction action, AuditOutcome outcome, Optional<String> collectionId,
                         Optional<Purpose> purpose, Optional<String> subjectId, Optional<String> objectId,
                         Optional<String> inputImageSha256, List<AuditCandidate> candidates, String detail) {
    /** Longest detail text kept. */
    public static final int MAX_DETAIL = 500;

    public AuditEntry {
        Objects.requireNonNull(actorId, "actorId");
        if (actorId.isBlank()) {
            throw new IllegalArgumentException("actor id must not be blank");
        }
        role = role == null ? Optional.empty() : role;
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        collectionId = collectionId == null ? Optional.empty() : collectionId;
        purpose = purpose == null ? Optional.empty() : purpose;
        subjectId = subjectId == null ? Optional.empty() : subjectId;
        objectId = objectId == null ? Optional.empty() : objectId;
        inputImageSha256 = inputImageSha256 == null ? Optional.empty() : inputImageSha256;
        candidates = List.copyOf(candidates);
        detail = detail == null ? "" : clean(detail);
    }

    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_DETAIL));
        for (int i = 0; i < s.length() && b.length() < MAX_DETAIL; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    /** Starts an entry with outcome {@link AuditOutcome#OK}. */
    public static Builder builder(String actorId, Optional<Role> role, AuditAction action) {
        return new Builder(actorId, role, action);
    }

    /** Starts an entry with outcome {@link AuditOutcome#OK}. */
    public static Builder builder(String actorId, Role role, AuditAction action) {
        return new Builder(actorId, Optional.of(role), action);
    }

    /** A builder holding this entry's values. */
    public Builder toBuilder() {
        Builder b = new Builder(actorId, role, action);
        b.outcome = outcome;
        b.collectionId = collectionId.orElse(null);
        b.purpose = purpose.orElse(null);
        b.subjectId = subjectId.orElse(null);
        b.objectId = objectId.orElse(null);
        b.imageSha256 = inputImageSha256.orElse(null);
        b.candidates = candidates;
        b.detail = detail;
        return b;
    }

    /** This entry with {@code objectId} set, unless it already has one. */
    public AuditEntry withObjectIfAbsent(String id) {
        return objectId.isPresent() ? this : toBuilder().optObject(id).build();
    }

    /** Builder: {@code opt*} methods set optional fields. */
    public static final class Builder {
        private final String actorId;
        private final Optional<Role> role;
        private AuditAction action;
        private AuditOutcome outcome = AuditOutcome.OK;
        private String collectionId;
        private Purpose purpose;
        private String subjectId;
        private String objectId;
        private String imageSha256;
        private List<AuditCandidate> candidates = List.of();
        private String detail = "";

        private Builder(String actorId, Optional<Role> role, AuditAction action) {
            this.actorId = actorId;
            this.role = role;
            this.action = action;
        }

        public Builder optAction(AuditAction a) {
            this.action = a;
            return this;
        }

        public Builder optOutcome(AuditOutcome o) {
            this.outcome = o;
            return this;
        }

        public Builder optCollection(String id) {
            this.collectionId = id;
            return this;
        }

        public Builder optPurpose(Purpose p) {
            this.purpose = p;
            return this;
        }

        public Builder optSubject(String id) {
            this.subjectId = id;
            return this;
        }

        public Builder optObject(String id) {
            this.objectId = id;
            return this;
        }

        public Builder optImageSha256(String hash) {
            this.imageSha256 = hash;
            return this;
        }

        public Builder optCandidates(List<AuditCandidate> c) {
            this.candidates = c;
            return this;
        }

        public Builder optDetail(String d) {
            this.detail = d;
            return this;
        }

        public AuditEntry build() {
            return new AuditEntry(actorId, role, action, outcome, Optional.ofNullable(collectionId), Optional.ofNullable(purpose),
                    Optional.ofNullable(subjectId), Optional.ofNullable(objectId), Optional.ofNullable(imageSha256), candidates, detail);
        }
    }
}
