package io.consentry.server;

import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.store.Role;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditOutcome;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The central access check, run before every matched route ({@code beforeMatched}; the console's static files, marked
 * {@link StaticFiles#CONSOLE}, are public and pass unchecked): finds the route's row
 * ({@link RouteRef}, attached to the endpoint as its Javalin role), authenticates the API key through the service
 * (hashed lookup in the store) and compares the key's role with the roles the row declares.
 * <ul>
 *   <li>No key, a malformed header, an unknown or revoked key → 401 {@link ProblemCode#UNAUTHENTICATED}, audited as a
 *       failed login by the service ({@link GalleryService#authenticate}, {@link GalleryService#recordLoginFailure}).</li>
 *   <li>A key of another role → 403 {@link ProblemCode#FORBIDDEN}, audited as a denied attempt of the route's
 *       {@link Route#deniedAs()} action.</li>
 * </ul>
 * Keys are read from {@code X-API-Key} or {@code Authorization: Bearer}; they are never logged or echoed. The service
 * checks the role again on every call (defence in depth).
 */
final class AccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    static final String API_KEY_HEADER = "X-API-Key";
    static final String ROUTE = "consentry.route";

    /** Attaches a route's row to its Javalin endpoint. */
    record RouteRef(Route route) implements RouteRole {
    }

    /** Marks the web console's static files (public: the console asks for a key before it calls the API). */
    enum StaticFiles implements RouteRole {
        CONSOLE
    }

    private final GalleryService gallery;

    AccessControl(GalleryService gallery) {
        this.gallery = gallery;
    }

    void check(Context ctx) throws Exception {
        if (ctx.routeRoles().contains(StaticFiles.CONSOLE)) {
            return;
        }
        Route route = ctx.routeRoles().stream().filter(RouteRef.class::isInstance).map(r -> ((RouteRef) r).route()).findFirst()
                .orElseThrow(() -> new IllegalStateException(ctx.method() + " " + ctx.path() + " has no route table row"));
        ctx.attribute(ROUTE, route);
        switch (route.access()) {
            case PUBLIC:
                return;
            case LOOPBACK_OR_KEY:
                if (isLoopback(ctx) && presentedKey(ctx) == null) {
                    return;
                }
                break;
            case KEY:
                break;
        }
        Actor actor = authenticate(ctx);
        ctx.attribute(Call.ACTOR, actor);
        if (!route.allows(actor.role())) {
            String msg = "role " + actor.role().wireName() + " may not call " + route.method() + " " + route.path() + " (allowed: "
                    + route.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(", ")) + ")";
            auditDenied(actor, route, msg);
            throw new ProblemException(ProblemCode.FORBIDDEN, msg);
        }
    }

    private Actor authenticate(Context ctx) throws Exception {
        String origin = ctx.ip();
        String secret;
        try {
            secret = presentedKey(ctx);
        } catch (ProblemException e) {
            gallery.recordLoginFailure(origin, e.getMessage() + " on " + ctx.method() + " " + ctx.path());
            throw e;
        }
        if (secret == null) {
            gallery.recordLoginFailure(origin, "no API key on " + ctx.method() + " " + ctx.path());
            throw new ProblemException(ProblemCode.UNAUTHENTICATED, "an API key is required: send it as " + API_KEY_HEADER
                    + " or Authorization: Bearer");
        }
        return gallery.authenticate(secret, origin);
    }

    /** The presented secret, or null; a header that is present but unusable is refused. */
    private static String presentedKey(Context ctx) {
        String header = ctx.header(API_KEY_HEADER);
        String auth = ctx.header("Authorization");
        String bearer = null;
        if (auth != null) {
            String a = auth.strip();
            if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                throw new ProblemException(ProblemCode.UNAUTHENTICATED, "unsupported Authorization scheme; use Bearer with an API key");
            }
            bearer = a.substring(7).strip();
        }
        String key = header != null ? header.strip() : null;
        if (key != null && bearer != null && !key.equals(bearer)) {
            throw new ProblemException(ProblemCode.UNAUTHENTICATED, "two different API keys presented");
        }
        String s = key != null ? key : bearer;
        return s == null || s.isEmpty() ? null : s;
    }

    private void auditDenied(Actor actor, Route route, String msg) {
        try {
            gallery.store().appendAudit(AuditEntry.builder(actor.id(), actor.role(), route.deniedAs()).optOutcome(AuditOutcome.DENIED)
                    .optDetail(msg).build());
        } catch (Exception e) {
            LOG.warn("could not audit a denied {} {}: {}", route.method(), route.path(), e.getMessage());
        }
    }

    static boolean isLoopback(Context ctx) {
        try {
            String addr = ctx.req().getRemoteAddr();
            return addr != null && InetAddress.getByName(addr).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
