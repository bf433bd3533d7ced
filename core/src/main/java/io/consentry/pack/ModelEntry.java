package io.consentry.pack;

import java.util.Map;

/**
 * One model file of a pack.
 *
 * @param role    what the pipeline uses it for: {@code detector}, {@code landmarks} or {@code descriptor}
 * @param adapter the translator that pre- and post-processes it (see {@link ModelAdapters})
 * @param file    file name inside the pack folder
 * @param sha256  hex SHA-256 of the file, checked when the pack is opened
 * @param input   how images become its input tensor
 * @param outputs output tensor name to its meaning
 */
public record ModelEntry(String role, String adapter, String file, String sha256, InputSpec input, Map<String, String> outputs) {
}
