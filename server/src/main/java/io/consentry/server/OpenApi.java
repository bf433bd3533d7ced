package io.consentry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentry.store.Role;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Generates the OpenAPI 3.0 document from the route table, so the document cannot drift from the server: one
 * operation per {@link Route} with its roles ({@code x-roles} and the description), parameters, request body
 * (JSON, or for image routes {@code multipart/form-data} and JSON with base64), success response and problem
 * responses. Schemas are derived from the DTO records ({@link Dto}): components become properties, {@link Required}
 * components are {@code required}, enums list their wire names ({@link Json}).
 */
final class OpenApi {
    private final ObjectNode components;
    private final ObjectNode schemas;

    private OpenApi() {
        this.components = Json.MAPPER.createObjectNode();
        this.schemas = components.putObject("schemas");
    }

    /** The document for {@code routes}. */
    static ObjectNode document(List<Route> routes, String version) {
        return new OpenApi().build(routes, version);
    }

    private ObjectNode build(List<Route> routes, String version) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Consentry REST API");
        info.put("version", version);
        info.put("description", "Self-hosted, accountable face recognition. Every call needs an API key (X-API-Key or "
                + "Authorization: Bearer) of a role listed on the operation, except where marked public. Errors are RFC 9457 "
                + "problem documents with a stable `code`. Inference operations answer 429 (Retry-After) when the server is "
                + "busy and 503 when they exceed the request time limit.");
        ObjectNode sec = components.putObject("securitySchemes");
        ObjectNode apiKey = sec.putObject("ApiKey");
        apiKey.put("type", "apiKey");
        apiKey.put("in", "header");
        apiKey.put("name", AccessControl.API_KEY_HEADER);
        ObjectNode bearer = sec.putObject("Bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        bearer.put("description", "The same API key as a bearer token.");
        ref(Dto.Problem.class);
        ObjectNode paths = doc.putObject("paths");
        for (Route r : routes) {
            ObjectNode item = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
            item.set(r.method().name().toLowerCase(Locale.ROOT), operation(r));
        }
        doc.set("components", components);
        return doc;
    }

    private ObjectNode operation(Route r) {
        ObjectNode op = Json.MAPPER.createObjectNode();
        op.put("operationId", r.operationId());
        op.put("summary", r.summary());
        String tag = r.path().replaceFirst("^/api/v1/?", "").split("/")[0];
        op.putArray("tags").add(tag.isEmpty() ? "meta" : tag);
        String who = switch (r.access()) {
            case PUBLIC -> "Public: no API key needed.";
            case LOOPBACK_OR_KEY -> "No key needed from a loopback address; other callers need a key with role " + roleList(r.roles()) + ".";
            case KEY -> "Roles: " + roleList(r.roles()) + ".";
        };
        op.put("description", who + (r.permission().isPresent() ? " Permission: " + r.permission().get().wireName() + "." : "")
                + (r.inference() ? " Runs face inference through the bounded queue (429 when full, 503 on timeout)." : ""));
        ArrayNode roles = op.putArray("x-roles");
        r.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
        op.put("x-access", r.access().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        ArrayNode security = op.putArray("security");
        if (r.access() == Route.Access.KEY) {
            security.addObject().putArray("ApiKey");
            security.addObject().putArray("Bearer");
        } else if (r.access() == Route.Access.LOOPBACK_OR_KEY) {
            security.addObject();
            security.addObject().putArray("ApiKey");
            security.addObject().putArray("Bearer");
        }
        ArrayNode params = Json.MAPPER.createArrayNode();
        for (String p : r.pathParams()) {
            ObjectNode n = params.addObject();
            n.put("name", p);
            n.put("in", "path");
            n.put("required", true);
            n.set("schema", schema(String.class));
        }
        for (Route.Param q : r.query()) {
            ObjectNode n = params.addObject();
            n.put("name", q.name());
            n.put("in", "query");
            n.put("required", false);
            n.put("description", q.description());
            n.set("schema", schema(q.type()));
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        switch (r.body()) {
            case JSON -> {
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                body.putObject("content").putObject(Route.JSON_MEDIA).set("schema", ref(r.requestType()));
            }
            case IMAGE -> {
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                ObjectNode content = body.putObject("content");
                content.putObject("multipart/form-data").set("schema", imageSchema(r.requestType(), "binary",
                        "The image file (JPEG, PNG, BMP, GIF or WebP)."));
                content.putObject(Route.JSON_MEDIA).set("schema", imageSchema(r.requestType(), "byte",
                        "The image file, base64-encoded (a data: URL is accepted)."));
            }
            case NONE -> {
            }
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject(Integer.toString(r.status()));
        ok.put("description", r.status() == 201 ? "Created" : r.status() == 204 ? "No content" : "OK");
        if (r.status() != 204) {
            JsonNode s = r.responseType() == Void.class ? Json.MAPPER.createObjectNode().put("type", "object")
                    : r.responseList() ? array(ref(r.responseType())) : ref(r.responseType());
            if (!r.responseMedia().equals(Route.JSON_MEDIA)) {
                s = Json.MAPPER.createObjectNode().put("type", "string");
            }
            ok.putObject("content").putObject(r.responseMedia()).set("schema", s);
        }
        if (r.body() != Route.Body.NONE || !r.query().isEmpty()) {
            problem(responses, "400", "Malformed request or invalid input (MALFORMED_REQUEST, INVALID_INPUT, BAD_IMAGE)");
        }
        if (r.access() != Route.Access.PUBLIC) {
            problem(responses, "401", "No, unknown or revoked API key (UNAUTHENTICATED)");
            problem(responses, "403", "The key's role may not call this route (FORBIDDEN)");
        }
        if (!r.pathParams().isEmpty() || r.body() != Route.Body.NONE) {
            problem(responses, "404", "Unknown id (NOT_FOUND)");
        }
        if (r.body() != Route.Body.NONE) {
            problem(responses, "413", "Body larger than the server's limit (PAYLOAD_TOO_LARGE)");
            problem(responses, "415", "Unsupported content type (UNSUPPORTED_MEDIA_TYPE)");
        }
        if (r.inference()) {
            problem(responses, "422", "No face, several faces, or no consent (NO_FACE, MULTIPLE_FACES, CONSENT_REQUIRED)");
            problem(responses, "429", "Inference queue full; see Retry-After (OVERLOADED)");
            problem(responses, "503", "Request time limit exceeded (TIMEOUT)");
        }
        problem(responses, "default", "Any other problem");
        return op;
    }

    private void problem(ObjectNode responses, String status, String description) {
        ObjectNode p = responses.putObject(status);
        p.put("description", description);
        p.putObject("content").putObject(ProblemMapper.PROBLEM_MEDIA).set("schema", ref(Dto.Problem.class));
    }

    private ObjectNode imageSchema(Class<?> fields, String format, String description) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        ObjectNode img = props.putObject(Call.IMAGE_FIELD);
        img.put("type", "string");
        img.put("format", format);
        img.put("description", description);
        ArrayNode required = s.putArray("required");
        required.add(Call.IMAGE_FIELD);
        if (fields.isRecord()) {
            for (RecordComponent c : fields.getRecordComponents()) {
                props.set(c.getName(), schema(c.getGenericType()));
                if (c.isAnnotationPresent(Required.class)) {
                    required.add(c.getName());
                }
            }
        }
        return s;
    }

    private static ObjectNode array(JsonNode items) {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.put("type", "array");
        a.set("items", items);
        return a;
    }

    /** A {@code $ref} to the record's component schema (added on first use). */
    private ObjectNode ref(Class<?> record) {
        String name = record.getSimpleName();
        if (!schemas.has(name)) {
            ObjectNode s = schemas.putObject(name);
            s.put("type", "object");
            ObjectNode props = s.putObject("properties");
            ArrayNode required = Json.MAPPER.createArrayNode();
            if (record.isRecord()) {
                for (RecordComponent c : record.getRecordComponents()) {
                    props.set(c.getName(), schema(c.getGenericType()));
                    if (c.isAnnotationPresent(Required.class) || c.getType().isPrimitive()) {
                        required.add(c.getName());
                    }
                }
            }
            if (!required.isEmpty()) {
                s.set("required", required);
            }
        }
        return Json.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private ObjectNode schema(Type t) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && java.util.Collection.class.isAssignableFrom(raw)) {
            s.put("type", "array");
            s.set("items", schema(p.getActualTypeArguments()[0]));
            if (Set.class.isAssignableFrom(raw)) {
                s.put("uniqueItems", true);
            }
            return s;
        }
        if (!(t instanceof Class<?> c)) {
            return s.put("type", "object");
        }
        if (c == String.class) {
            return s.put("type", "string");
        }
        if (c == Instant.class) {
            return s.put("type", "string").put("format", "date-time");
        }
        if (c == int.class || c == Integer.class) {
            return s.put("type", "integer").put("format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return s.put("type", "integer").put("format", "int64");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return s.put("type", "number").put("format", "double");
        }
        if (c == boolean.class || c == Boolean.class) {
            return s.put("type", "boolean");
        }
        if (c.isEnum()) {
            s.put("type", "string");
            ArrayNode values = s.putArray("enum");
            Json.wireValues(c).forEach(values::add);
            return s;
        }
        if (c.isRecord()) {
            return ref(c);
        }
        return s.put("type", "object");
    }

    private static String roleList(Set<Role> roles) {
        return roles.stream().map(Role::wireName).sorted().collect(Collectors.joining(", "));
    }
}
