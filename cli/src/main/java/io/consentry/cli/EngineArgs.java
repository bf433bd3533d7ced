package io.consentry.cli;

import io.consentry.engine.Consentry;
import io.consentry.engine.EngineOptions;
import io.consentry.image.ImageLimits;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by every command that opens a face engine. */
public final class EngineArgs {
    @Option(names = "--home", paramLabel = "DIR", description = "Consentry home (default: $CONSENTRY_HOME or ~/.consentry).")
    Path home;

    @Option(names = "--pack", paramLabel = "DIR", description = "Model pack folder (default: HOME/models/faceapi-1.7.15).")
    Path pack;

    @Option(names = "--detector", paramLabel = "SPEC",
            description = "Detector override: yunet:/path/model.onnx (or a path whose layout is recognised).")
    String detector;

    @Option(names = "--min-score", paramLabel = "S", description = "Detection score threshold in [0,1] (default: the detector's: SSD 0.5).")
    Double minScore;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads per inference (default 0 = one per core).")
    int threads;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse images larger than this many pixels (default ${DEFAULT-VALUE}).")
    long maxPixels = ImageLimits.DEFAULT.maxPixels();

    @Option(names = "--max-file-mb", paramLabel = "MB", description = "Refuse image files larger than this (default ${DEFAULT-VALUE} MB).")
    long maxFileMb = ImageLimits.DEFAULT.maxFileBytes() >> 20;

    Path home() {
        return home != null ? home.toAbsolutePath() : Consentry.home();
    }

    EngineOptions options() {
        EngineOptions.Builder b = EngineOptions.builder()
                .optPackDir(pack != null ? pack : Consentry.defaultPack(home()))
                .optThreads(threads)
                .optImageLimits(new ImageLimits(maxFileMb << 20, maxPixels));
        if (detector != null) {
            b.optDetector(detector);
        }
        if (minScore != null) {
            b.optMinScore(minScore);
        }
        return b.build();
    }
}
