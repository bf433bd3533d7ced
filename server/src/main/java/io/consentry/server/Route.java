package io.consentry.server;

import io.consentry.governance.Permission;
import io.consentry.store.Role;
import io.consentry.store.audit.AuditAction;
import io.javalin.http.HandlerType;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the route table ({@link Routes#all()}): method, path, who may call it, what it reads and returns, and
 * the handler. The access check ({@link AccessControl}), the OpenAPI document ({@link OpenApi}) and the authorisation
 * tests are all derived from these rows.
 *
 * <pre>{@code
 * Route.secured("identify", POST, "/api/v1/identify", Permission.IDENTIFY, AuditAction.IDENTIFY, "1:N search", this::identify)
 *      .image(Dto.IdentifyRequest.class).returns(Dto.IdentifyResponse.class).gated();
 * }</pre>
 *
 * @param operationId  unique name of the operation (OpenAPI {@code operationId})
 * @param method       HTTP method
 * @param path         Javalin path, {@code {name}} for path parameters
 * @param access       whether an API key is needed
 * @param permission   the service permission the route exercises ({@code roles} are its roles); empty for public routes
 * @param roles        the roles whose keys may call it (empty for {@link Access#PUBLIC})
 * @param deniedAs     the audit action recorded when a key of another role is refused
 * @param summary      one line for the OpenAPI document
 * @param body         what the request body is
 * @param requestType  the request DTO ({@code Void} without a body)
 * @param responseType the response DTO (element type when {@code responseList}; {@code Void} for 204)
 * @param responseList whether the response is a JSON array of {@code responseType}
 * @param status       the success status
 * @param responseMedia media type of the success response
 * @param query        query parameters
 * @param inference    whether the handler runs detection/embedding through the {@link InferenceGate} (429/503)
 * @param action       the handler: parse → call the service → map to a DTO
 */
public record Route(String operationId, HandlerType method, String path, Access access, Optional<Permission> permission, Set<Role> roles,
                    AuditAction deniedAs, String summary, Body body, Class<?> requestType, Class<?> responseType, boolean responseList,
                    int status, String responseMedia, List<Param> query, boolean inference, Action action) {

    /** Who may call a route. */
    public enum Access {
        /** No key needed (health, OpenAPI document). */
        PUBLIC,
        /** No key needed from a loopback address; other callers need a key of one of the route's roles (metrics). */
        LOOPBACK_OR_KEY,
        /** A key of one of the route's roles. */
        KEY
    }

    /** What a request body holds. */
    public enum Body {
        NONE,
        /** {@code application/json}: the {@code requestType} record. */
        JSON,
        /**
         * An image plus the {@code requestType} record's fields: {@code multipart/form-data} with a file part
         * {@code image} and text parts for the fields, or {@code application/json} with the image base64-encoded in
         * {@code "image"}.
         */
        IMAGE
    }

    /** A query parameter. */
    public record Param(String name, Class<?> type, String description) {
    }

    /** A route handler: parses the request, calls the service and returns the response DTO (or null for 204). */
    @FunctionalInterface
    public interface Action {
        Object handle(Call call) throws Exception;
    }

    public static final String JSON_MEDIA = "application/json";

    public Route {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        permission = permission == null ? Optional.empty() : permission;
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        if (access != Access.PUBLIC && roles.isEmpty()) {
            throw new IllegalArgumentException(method + " " + path + ": a route needing a key must declare its roles");
        }
        if (access == Access.PUBLIC && !roles.isEmpty()) {
            throw new IllegalArgumentException(method + " " + path + ": a public route declares no roles");
        }
        if (permission.isPresent() && !permission.get().roles().equals(roles)) {
            throw new IllegalArgumentException(method + " " + path + ": roles " + roles + " differ from " + permission.get() + "'s "
                    + permission.get().roles());
        }
        Objects.requireNonNull(deniedAs, "deniedAs");
        Objects.requireNonNull(body, "body");
        query = List.copyOf(query);
        Objects.requireNonNull(action, "action");
    }

    /** A route anyone may call. */
    static Route open(String operationId, HandlerType method, String path, String summary, Action action) {
        return new Route(operationId, method, path, Access.PUBLIC, Optional.empty(), Set.of(), AuditAction.READ, summary, Body.NONE,
                Void.class, Void.class, false, 200, JSON_MEDIA, List.of(), false, action);
    }

    /** A route loopback callers may call without a key; others need a key of {@code roles}. */
    static Route loopbackOr(String operationId, HandlerType method, String path, Set<Role> roles, String summary, Action action) {
        return new Route(operationId, method, path, Access.LOOPBACK_OR_KEY, Optional.empty(), roles, AuditAction.READ, summary, Body.NONE,
                Void.class, Void.class, false, 200, JSON_MEDIA, List.of(), false, action);
    }

    /** A route for keys whose role holds {@code permission} (the service's matrix decides the roles). */
    static Route secured(String operationId, HandlerType method, String path, Permission permission, AuditAction deniedAs, String summary,
                         Action action) {
        return new Route(operationId, method, path, Access.KEY, Optional.of(permission), permission.roles(), deniedAs, summary, Body.NONE,
                Void.class, Void.class, false, 200, JSON_MEDIA, List.of(), false, action);
    }

    Route json(Class<?> type) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, Body.JSON, type, responseType, responseList,
                status, responseMedia, query, inference, action);
    }

    Route image(Class<?> type) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, Body.IMAGE, type, responseType, responseList,
                status, responseMedia, query, inference, action);
    }

    Route returns(Class<?> type) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, type, false, status,
                responseMedia, query, inference, action);
    }

    Route returnsList(Class<?> type) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, type, true, status,
                responseMedia, query, inference, action);
    }

    Route status(int s) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, responseType, responseList,
                s, responseMedia, query, inference, action);
    }

    Route media(String m) {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, responseType, responseList,
                status, m, query, inference, action);
    }

    Route query(String name, Class<?> type, String description) {
        List<Param> q = new java.util.ArrayList<>(query);
        q.add(new Param(name, type, description));
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, responseType, responseList,
                status, responseMedia, q, inference, action);
    }

    Route gated() {
        return new Route(operationId, method, path, access, permission, roles, deniedAs, summary, body, requestType, responseType, responseList,
                status, responseMedia, query, true, action);
    }

    /** Whether a key of {@code role} may call this route. */
    public boolean allows(Role role) {
        return roles.contains(role);
    }

    /** The path parameter names, in order. */
    public List<String> pathParams() {
        return java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path).results().map(m -> m.group(1)).toList();
    }

    @Override
    public String toString() {
        return method + " " + path + " " + (access == Access.PUBLIC ? "public"
                : (access == Access.LOOPBACK_OR_KEY ? "loopback or " : "") + roles.stream().map(Role::wireName).sorted().toList());
    }
}
