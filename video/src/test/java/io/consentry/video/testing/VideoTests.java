package io.consentry.video.testing;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.testing.TestPacks;

/** Shared fixtures for video tests. */
public final class VideoTests {
    private VideoTests() {
    }

    /** An engine on the real face-api pack (installed once per build into target/test-home). */
    public static FaceEngine engine() throws Exception {
        return FaceEngine.open(EngineOptions.builder().optPackDir(TestPacks.faceApi().dir()).optHome(TestPacks.home()).build());
    }
}
