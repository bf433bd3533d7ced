package io.consentry.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The server's one {@link ObjectMapper}, and the wire rules shared with the {@link OpenApi} generator:
 * <ul>
 *   <li>every enum is written as its lower-case, dash-separated name ({@code REVIEW_CANDIDATE} →
 *       {@code "review-candidate"}, the store's {@code wireName()} rule) and read case-insensitively in either form;</li>
 *   <li>{@link Instant}s are ISO-8601 strings ({@code 2025-01-31T12:00:00Z});</li>
 *   <li>absent values ({@code null}) are omitted from responses;</li>
 *   <li>requests are strict: unknown fields, trailing tokens, duplicate keys, fractional integers and {@code null}
 *       for numbers are refused.</li>
 * </ul>
 */
final class Json {
    private Json() {
    }

    static final ObjectMapper MAPPER = create();

    /** The wire form of an enum constant. */
    static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The wire forms of an enum type's constants, in declaration order. */
    static java.util.List<String> wireValues(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> wire((Enum<?>) c)).toList();
    }

    private static ObjectMapper create() {
        SimpleModule m = new SimpleModule("consentry-wire");
        m.addSerializer(Instant.class, ToStringSerializer.instance);
        m.addDeserializer(Instant.class, new InstantDeserializer());
        m.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifyEnumSerializer(SerializationConfig config, JavaType valueType, BeanDescription beanDesc,
                                                          JsonSerializer<?> serializer) {
                return new EnumWireSerializer();
            }
        });
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type, BeanDescription beanDesc,
                                                              JsonDeserializer<?> deserializer) {
                return new EnumWireDeserializer(type.getRawClass());
            }
        });
        ObjectMapper om = new ObjectMapper();
        om.registerModule(m);
        om.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        om.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        om.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        om.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        om.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        om.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        om.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return om;
    }

    private static final class EnumWireSerializer extends JsonSerializer<Enum<?>> {
        @Override
        public void serialize(Enum<?> value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(wire(value));
        }
    }

    private static final class EnumWireDeserializer extends JsonDeserializer<Object> {
        private final Class<?> type;

        EnumWireDeserializer(Class<?> type) {
            this.type = type;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return ctxt.handleUnexpectedToken(type, p);
            }
            String s = p.getText().trim().replace('-', '_');
            for (Object c : type.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(s)) {
                    return c;
                }
            }
            throw ctxt.weirdStringException(p.getText(), type, "expected one of "
                    + wireValues(type).stream().collect(Collectors.joining(", ")));
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(p.getText().trim());
            } catch (DateTimeParseException e) {
                throw ctxt.weirdStringException(p.getText(), Instant.class, "expected an ISO-8601 instant such as 2025-01-31T12:00:00Z");
            }
        }
    }
}
