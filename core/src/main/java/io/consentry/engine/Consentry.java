package io.consentry.engine;

import java.nio.file.Path;

/** Where Consentry keeps its state: {@code $CONSENTRY_HOME}, else {@code ~/.consentry}. */
public final class Consentry {
    private Consentry() {
    }

    public static Path home() {
        String env = System.getenv("CONSENTRY_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".consentry");
    }

    /** The default pack's folder under {@code home}. */
    public static Path defaultPack(Path home) {
        return home.resolve("models").resolve(io.consentry.pack.FaceApiPackInstaller.PACK_ID);
    }
}
