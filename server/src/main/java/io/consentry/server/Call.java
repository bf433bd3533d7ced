package io.consentry.server;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.IgnoredPropertyException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentry.governance.Actor;
import io.consentry.governance.ImageInput;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * One request as a handler sees it: the authenticated {@link #actor()}, path and query parameters, and the body parsed
 * into the route's request DTO. This is the only place request bodies are read, so every route gets the same limits
 * and the same errors: {@link ProblemCode#PAYLOAD_TOO_LARGE} above the size limit,
 * {@link ProblemCode#UNSUPPORTED_MEDIA_TYPE} for another content type, {@link ProblemCode#MALFORMED_REQUEST} for bad
 * JSON, wrong types, unknown or missing fields (naming the field, never echoing Java types).
 *
 * <p>Images come in either of two forms, parsed by the one helper {@link #image(Class)}: {@code multipart/form-data}
 * with a file part {@code image} and text parts for the other fields, or {@code application/json} with the image
 * base64-encoded (optionally as a {@code data:} URL) in {@code "image"} beside the other fields.
 */
public final class Call {
    static final String ACTOR = "consentry.actor";
    static final String IMAGE_FIELD = "image";

    private final Context ctx;
    private final Route route;
    private final long maxBytes;
    private final InferenceGate gate;

    Call(Context ctx, Route route, long maxBytes, InferenceGate gate) {
        this.ctx = ctx;
        this.route = route;
        this.maxBytes = maxBytes;
        this.gate = gate;
    }

    /** The underlying request, for routes that stream (SSE, uploads to disk, binary responses). */
    Context ctx() {
        return ctx;
    }

    /** The request's largest allowed body in bytes (for image routes). */
    long maxBytes() {
        return maxBytes;
    }

    /** The body of an image route: the DTO's fields and the image. */
    public record ImageRequest<T>(T fields, ImageInput image) {
    }

    /** The authenticated caller (routes needing a key only). */
    public Actor actor() {
        Actor a = ctx.attribute(ACTOR);
        if (a == null) {
            throw new IllegalStateException(route + ": no authenticated actor");
        }
        return a;
    }

    /** A path parameter. */
    public String path(String name) {
        return ctx.pathParam(name);
    }

    /** An optional query parameter. */
    public Optional<String> query(String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** An integer query parameter in [min, max], or {@code dflt} when absent. */
    public long queryLong(String name, long dflt, long min, long max) {
        Optional<String> v = query(name);
        if (v.isEmpty()) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.get().trim());
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "query parameter '" + name + "' must be an integer");
        }
        if (n < min || n > max) {
            throw new ProblemException(ProblemCode.INVALID_INPUT, "query parameter '" + name + "' must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    /** An enum query parameter (wire names, case-insensitive). */
    public <E extends Enum<E>> Optional<E> queryEnum(String name, Class<E> type) {
        return query(name).map(v -> {
            String s = v.trim().replace('-', '_');
            for (E c : type.getEnumConstants()) {
                if (c.name().equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "query parameter '" + name + "' must be one of "
                    + String.join(", ", Json.wireValues(type)));
        });
    }

    /** The {@code application/json} body as {@code type}. */
    public <T> T json(Class<T> type) {
        requireMedia("application/json");
        return toDto(readTree(), type);
    }

    /** The image and fields of an image route, from multipart/form-data or JSON with a base64 image. */
    public <T> ImageRequest<T> image(Class<T> type) {
        String media = media();
        if (media.equals("multipart/form-data")) {
            checkDeclaredLength();
            UploadedFile file;
            Map<String, List<String>> fields;
            try {
                file = ctx.uploadedFile(IMAGE_FIELD);
                fields = ctx.formParamMap();
            } catch (RuntimeException e) {
                throw multipartProblem(e);
            }
            if (file == null) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "multipart body has no file part '" + IMAGE_FIELD + "'");
            }
            ObjectNode node = Json.MAPPER.createObjectNode();
            for (Map.Entry<String, List<String>> f : fields.entrySet()) {
                if (f.getKey().equals(IMAGE_FIELD)) {
                    continue;
                }
                if (f.getValue().size() != 1) {
                    throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + f.getKey() + "' is given " + f.getValue().size() + " times");
                }
                node.put(f.getKey(), f.getValue().get(0));
            }
            byte[] bytes;
            try (InputStream in = file.content()) {
                bytes = readBounded(in);
            } catch (IOException e) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "cannot read the image part: " + e.getMessage());
            }
            return new ImageRequest<>(toDto(node, type), ImageInput.encoded(bytes, IMAGE_FIELD));
        }
        if (media.equals("application/json")) {
            JsonNode tree = readTree();
            if (!(tree instanceof ObjectNode obj)) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "the body must be a JSON object");
            }
            JsonNode img = obj.remove(IMAGE_FIELD);
            if (img == null || img.isNull()) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + IMAGE_FIELD + "' (base64 image) is required");
            }
            if (!img.isTextual()) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + IMAGE_FIELD + "' must be a base64 string");
            }
            return new ImageRequest<>(toDto(obj, type), ImageInput.encoded(base64(img.textValue()), IMAGE_FIELD));
        }
        throw new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "expected multipart/form-data (file part '" + IMAGE_FIELD
                + "') or application/json (base64 '" + IMAGE_FIELD + "'), got " + (media.isEmpty() ? "no content type" : media));
    }

    /** Runs {@code task} (a service call that detects or embeds) through the inference gate. */
    public <T> T infer(Callable<T> task) throws Exception {
        if (!route.inference()) {
            throw new IllegalStateException(route + " is not declared as an inference route");
        }
        return gate.run(task);
    }

    // =================================================================================================================

    private String media() {
        String ct = ctx.contentType();
        if (ct == null) {
            return "";
        }
        int semi = ct.indexOf(';');
        return (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
    }

    private void requireMedia(String expected) {
        String m = media();
        if (!m.equals(expected)) {
            throw new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "expected " + expected + ", got " + (m.isEmpty() ? "no content type" : m));
        }
    }

    private void checkDeclaredLength() {
        long len = ctx.req().getContentLengthLong();
        if (len > maxBytes) {
            throw tooLarge();
        }
    }

    private ProblemException tooLarge() {
        return new ProblemException(ProblemCode.PAYLOAD_TOO_LARGE, "the request body exceeds the limit of " + maxBytes + " bytes");
    }

    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[16384];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge();
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private JsonNode readTree() {
        checkDeclaredLength();
        byte[] body;
        try {
            body = readBounded(ctx.req().getInputStream());
        } catch (IOException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "cannot read the request body");
        }
        if (body.length == 0) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "the request body is empty");
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "cannot read the request body");
        }
    }

    private static <T> T toDto(JsonNode node, Class<T> type) {
        if (node.getNodeType() != JsonNodeType.OBJECT) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "the body must be a JSON object");
        }
        T dto;
        try {
            dto = Json.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "the body does not match the expected fields");
        }
        requirePresent(dto);
        return dto;
    }

    /** Refuses a DTO whose {@link Required} components are null. */
    static void requirePresent(Object dto) {
        if (dto == null || !dto.getClass().isRecord()) {
            return;
        }
        for (RecordComponent c : dto.getClass().getRecordComponents()) {
            if (c.isAnnotationPresent(Required.class)) {
                Object v;
                try {
                    v = c.getAccessor().invoke(dto);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                if (v == null) {
                    throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + c.getName() + "' is required");
                }
            }
        }
    }

    private static byte[] base64(String s) {
        String b = s.strip();
        if (b.startsWith("data:")) {
            int comma = b.indexOf(',');
            if (comma < 0 || !b.substring(0, comma).endsWith(";base64")) {
                throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + IMAGE_FIELD + "' is a data URL without ;base64 data");
            }
            b = b.substring(comma + 1);
        }
        try {
            return Base64.getMimeDecoder().decode(b);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "field '" + IMAGE_FIELD + "' is not valid base64");
        }
    }

    private ProblemException multipartProblem(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("exceeds")) {
                return tooLarge();
            }
            if (t instanceof ProblemException p) {
                return p;
            }
        }
        return new ProblemException(ProblemCode.MALFORMED_REQUEST, "the multipart body cannot be parsed");
    }

    /** A client-safe description of a Jackson failure: where, and what was expected; no Java type names. */
    static ProblemException malformed(JsonProcessingException e) {
        if (e instanceof JsonParseException p) {
            var loc = p.getLocation();
            return new ProblemException(ProblemCode.MALFORMED_REQUEST, "malformed JSON" + (loc != null
                    ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : ""));
        }
        String where = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        String field = where.isEmpty() ? "the body" : "field '" + where + "'";
        if (e instanceof UnrecognizedPropertyException u) {
            return new ProblemException(ProblemCode.MALFORMED_REQUEST, "unknown field '" + (where.isEmpty() ? u.getPropertyName() : where)
                    + "'; expected " + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        }
        if (e instanceof IgnoredPropertyException) {
            return new ProblemException(ProblemCode.MALFORMED_REQUEST, "unexpected " + field);
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable c = v.getCause();
            return new ProblemException(ProblemCode.INVALID_INPUT, c instanceof IllegalArgumentException && c.getMessage() != null
                    ? c.getMessage() : "invalid value for " + field);
        }
        if (e instanceof InvalidFormatException f) {
            String hint = f.getOriginalMessage();
            int i = hint == null ? -1 : hint.indexOf("expected one of");
            if (i < 0 && hint != null) {
                i = hint.indexOf("expected an ISO-8601");
            }
            return new ProblemException(ProblemCode.MALFORMED_REQUEST, field + " has an invalid value"
                    + (i >= 0 ? ": " + hint.substring(i) : "; expected " + kind(f.getTargetType())));
        }
        if (e instanceof MismatchedInputException m) {
            Class<?> target = m.getTargetType();
            if (m.getMessage() != null && m.getMessage().contains("Duplicate field")) {
                return new ProblemException(ProblemCode.MALFORMED_REQUEST, "duplicate " + field);
            }
            return new ProblemException(ProblemCode.MALFORMED_REQUEST, field + " has the wrong type"
                    + (target != null ? "; expected " + kind(target) : ""));
        }
        return new ProblemException(ProblemCode.MALFORMED_REQUEST, "the body cannot be read as the expected JSON");
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** A JSON type name for a Java type. */
    static String kind(Class<?> t) {
        if (t == null) {
            return "a value";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t.isEnum()) {
            return "one of " + String.join(", ", Json.wireValues(t));
        }
        if (t == java.time.Instant.class) {
            return "an ISO-8601 instant";
        }
        if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
