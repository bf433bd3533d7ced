package io.consentry.testing;

import io.consentry.pack.FaceApiPackInstaller;
import io.consentry.pack.ModelPack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixtures: the default pack, installed once per build into {@code target/test-home} with the real installer
 * ({@code npm pack} + conversion), and paths into {@code ../shared}.
 */
public final class TestPacks {
    private static ModelPack pack;

    private TestPacks() {
    }

    public static Path home() {
        return Path.of(System.getProperty("consentry.testHome", "target/test-home")).toAbsolutePath();
    }

    public static synchronized ModelPack faceApi() throws Exception {
        if (pack == null) {
            Files.createDirectories(home());
            Path dir = new FaceApiPackInstaller(home(), msg -> System.err.println("[pack] " + msg)).install(null);
            pack = ModelPack.open(dir);
        }
        return pack;
    }

    public static Path shared() {
        String p = System.getProperty("consentry.shared");
        Path path = p != null ? Path.of(p) : Path.of("../../shared");
        return path.toAbsolutePath().normalize();
    }

    public static Path reference() {
        return shared().resolve("reference/faceapi");
    }
}
