package io.consentry.store;

import java.util.Optional;

/**
 * A new subject (a person who may be enrolled).
 *
 * @param displayName name shown to operators, 1..200 characters
 * @param externalId  the id of this person in the deploying organisation's own system (employee number, ticket id);
 *                    unique when present, 1..200 characters
 */
public record SubjectSpec(String displayName, Optional<String> externalId) {
    public SubjectSpec {
        displayName = Checks.text("display name", displayName, 200);
        externalId = Checks.opt(externalId).map(e -> Checks.text("external id", e, 200));
    }

    public static SubjectSpec of(String displayName) {
        return new SubjectSpec(displayName, Optional.empty());
    }

    public static SubjectSpec of(String displayName, String externalId) {
        return new SubjectSpec(displayName, Optional.of(externalId));
    }
}
