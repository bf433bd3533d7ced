package io.consentry.pack;

import java.util.List;
import java.util.Optional;

/**
 * {@code manifest.json} of a model pack folder ({@code $CONSENTRY_HOME/models/<pack>/}).
 *
 * @param formatVersion manifest format, currently 1
 * @param pack          pack id, e.g. {@code faceapi-1.7.15}
 * @param source        where the weights came from
 * @param license       SPDX id of the weights' license
 * @param models        the model files
 * @param similarityThreshold default cosine-similarity threshold for "same person" with this pack's descriptor
 */
public record PackManifest(int formatVersion, String pack, Source source, String license, List<ModelEntry> models,
                           double similarityThreshold) {
    public static final int FORMAT_VERSION = 1;

    /** @param packageName npm package, {@code version} its version, {@code integrity} the tarball's SRI hash */
    public record Source(String packageName, String version, String integrity, String converter) {
    }

    public Optional<ModelEntry> model(String role) {
        return models.stream().filter(m -> m.role().equals(role)).findFirst();
    }
}
