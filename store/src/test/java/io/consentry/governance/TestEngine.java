package io.consentry.governance;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.testing.TestPacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One real face engine per test JVM (the installed face-api.js pack), shared by the service tests, and the face
 * images they use: LFW single-person photos and the multi-face demo photos.
 */
final class TestEngine {
    private static FaceEngine engine;

    private TestEngine() {
    }

    static synchronized FaceEngine get() throws Exception {
        if (engine == null) {
            Path home = Files.createDirectories(TestPacks.home().resolve("store-engine-home"));
            engine = FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(home).build());
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        }
        return engine;
    }

    /** The LFW photos of {@code person}, sorted by name. */
    static List<Path> lfw(String person) {
        Path dir = TestPacks.shared().resolve("datasets/lfw").resolve(person);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A multi-face demo photo (1..6). */
    static Path sample(int i) {
        return TestPacks.reference().resolve("images/sample" + i + ".jpg");
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
