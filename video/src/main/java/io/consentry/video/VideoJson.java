package io.consentry.video;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import java.nio.file.Path;

/**
 * JSON for video events, reports and search results: {@link java.util.Optional} written as its value or left out,
 * paths as strings, enums by their {@code @JsonValue} wire names. Thread-safe.
 */
public final class VideoJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new SimpleModule("consentry-video").addSerializer(Path.class, ToStringSerializer.instance))
            .setSerializationInclusion(JsonInclude.Include.NON_ABSENT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private VideoJson() {
    }
}
