package io.consentry.governance;

import io.consentry.store.Role;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What each role may do (least privilege: roles do not nest, and no role can both enrol and search, or search and
 * confirm its own hits, or read the audit log it produces).
 *
 * <table>
 *   <caption>Role matrix</caption>
 *   <tr><th>permission</th><th>admin</th><th>enroller</th><th>operator</th><th>reviewer</th><th>auditor</th></tr>
 *   <tr><td>{@link #MANAGE_COLLECTIONS} create/update/delete collections, reload indexes</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #LIST_COLLECTIONS}</td><td>✔</td><td>✔</td><td>✔</td><td>✔</td><td>✔</td></tr>
 *   <tr><td>{@link #MANAGE_API_KEYS} create/list/revoke keys</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #MANAGE_AUTHORISATIONS} watchlist authorisations</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #MANAGE_KEYS} rotate / rekey</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #RUN_RETENTION} trigger a purge</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #MANAGE_SUBJECTS} create/read subjects</td><td></td><td>✔</td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #MANAGE_CONSENTS} record/withdraw/read consents</td><td></td><td>✔</td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #ENROL} enrol and delete templates</td><td></td><td>✔</td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #ERASE_SUBJECTS} erasure (GDPR Art. 17)</td><td></td><td>✔</td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #DETECT}</td><td></td><td></td><td>✔</td><td></td><td></td></tr>
 *   <tr><td>{@link #VERIFY} 1:1</td><td></td><td></td><td>✔</td><td></td><td></td></tr>
 *   <tr><td>{@link #IDENTIFY} 1:N</td><td></td><td></td><td>✔</td><td></td><td></td></tr>
 *   <tr><td>{@link #REVIEW} list and decide watchlist cases</td><td></td><td></td><td></td><td>✔</td><td></td></tr>
 *   <tr><td>{@link #READ_AUDIT} read, export, verify the audit log</td><td></td><td></td><td></td><td></td><td>✔</td></tr>
 *   <tr><td>{@link #MANAGE_SOURCES} add / remove video sources</td><td>✔</td><td></td><td></td><td></td><td></td></tr>
 *   <tr><td>{@link #LIST_SOURCES} list sources and their state</td><td>✔</td><td></td><td>✔</td><td></td><td></td></tr>
 *   <tr><td>{@link #WATCH} live frames, tracks and events of a source</td><td></td><td></td><td>✔</td><td></td><td></td></tr>
 *   <tr><td>{@link #REDACT} anonymise faces in images and videos</td><td></td><td></td><td>✔</td><td></td><td></td></tr>
 * </table>
 */
public enum Permission {
    MANAGE_COLLECTIONS(Role.ADMIN),
    LIST_COLLECTIONS(Role.ADMIN, Role.ENROLLER, Role.OPERATOR, Role.REVIEWER, Role.AUDITOR),
    MANAGE_API_KEYS(Role.ADMIN),
    MANAGE_AUTHORISATIONS(Role.ADMIN),
    MANAGE_KEYS(Role.ADMIN),
    RUN_RETENTION(Role.ADMIN),
    MANAGE_SUBJECTS(Role.ENROLLER),
    MANAGE_CONSENTS(Role.ENROLLER),
    ENROL(Role.ENROLLER),
    ERASE_SUBJECTS(Role.ENROLLER),
    DETECT(Role.OPERATOR),
    VERIFY(Role.OPERATOR),
    IDENTIFY(Role.OPERATOR),
    REVIEW(Role.REVIEWER),
    READ_AUDIT(Role.AUDITOR),
    MANAGE_SOURCES(Role.ADMIN),
    LIST_SOURCES(Role.ADMIN, Role.OPERATOR),
    WATCH(Role.OPERATOR),
    REDACT(Role.OPERATOR);

    private final Set<Role> roles;

    Permission(Role first, Role... rest) {
        this.roles = Set.copyOf(EnumSet.of(first, rest));
    }

    /** The roles holding this permission. */
    public Set<Role> roles() {
        return roles;
    }

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    /** E.g. {@code "manage-collections"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
