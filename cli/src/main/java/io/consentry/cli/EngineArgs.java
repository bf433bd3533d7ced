package io.consentry.cli;

import io.consentry.engine.Consentry;
import io.consentry.engine.EngineOptions;
import io.consentry.image.ImageLimits;
import picocli.CommandLine.Option;

import io.consentry.ConsentryException;
import io.consentry.engine.FaceEngine;
import io.consentry.pack.FaceApiPackInstaller;
import io.consentry.pack.ModelPack;

import java.io.PrintWriter;
import java.nio.file.Files;
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

    @Option(names = "--no-scale-fallback", negatable = false,
            description = "Do not retry detection on a larger zero canvas when no face is found (face-api.js behaviour).")
    boolean noScaleFallback;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads per inference (default 0 = one per core).")
    int threads;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse images larger than this many pixels (default ${DEFAULT-VALUE}).")
    long maxPixels = ImageLimits.DEFAULT.maxPixels();

    @Option(names = "--max-file-mb", paramLabel = "MB", description = "Refuse image files larger than this (default ${DEFAULT-VALUE} MB).")
    long maxFileMb = ImageLimits.DEFAULT.maxFileBytes() >> 20;

    /**
     * For video commands, which run several detections at once on their own worker threads: one ONNX Runtime thread
     * per inference unless {@code --threads} was given (measured faster on 2 cores than one thread per core each).
     */
    public void preferOneThreadPerInference() {
        if (threads == 0) {
            threads = 1;
        }
    }

    /** The same options with another ONNX Runtime thread count. */
    EngineArgs copyWithThreads(int n) {
        EngineArgs c = new EngineArgs();
        c.home = home;
        c.pack = pack;
        c.detector = detector;
        c.minScore = minScore;
        c.threads = n;
        c.maxPixels = maxPixels;
        c.maxFileMb = maxFileMb;
        c.alignment = alignment;
        c.noScaleFallback = noScaleFallback;
        c.flip = flip;
        return c;
    }

    @Option(names = "--alignment", paramLabel = "MODE",
            description = "Descriptor crop: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; FACEAPI_BOX reproduces face-api.js).")
    io.consentry.align.Alignment alignment = io.consentry.align.Alignment.CHIP_68;

    @Option(names = "--flip", description = "Average the descriptors of each face and its mirror image (slower).")
    boolean flip;

    public Path home() {
        return home != null ? home.toAbsolutePath() : Consentry.home();
    }

    /**
     * Opens the engine. When no {@code --pack} was given and the default pack is not installed yet, installs it first
     * (npm pack + conversion, about 5 s), so the first run on a fresh machine just works.
     */
    public FaceEngine open(PrintWriter err) throws ConsentryException {
        return openWithMaxFaces(err, 100);
    }

    /** {@link #open} with another per-image face limit. */
    FaceEngine openWithMaxFaces(PrintWriter err, int maxFaces) throws ConsentryException {
        EngineOptions o = options(maxFaces);
        if (pack == null && !Files.exists(o.packDir().resolve(ModelPack.MANIFEST))) {
            err.println("consentry: default model pack not installed; installing it into " + home() + " (consentry models install)");
            new FaceApiPackInstaller(home(), msg -> err.println("  " + msg)).install(null);
        }
        return FaceEngine.open(o);
    }

    EngineOptions options() {
        return options(100);
    }

    EngineOptions options(int maxFaces) {
        if (maxFileMb <= 0 || maxFileMb > (Long.MAX_VALUE >> 20) || maxPixels <= 0) {
            throw new IllegalArgumentException("--max-file-mb and --max-pixels must be positive and reasonable");
        }
        EngineOptions.Builder b = EngineOptions.builder()
                .optHome(home())
                .optMaxFaces(maxFaces)
                .optPackDir(pack != null ? pack : Consentry.defaultPack(home()))
                .optThreads(threads)
                .optImageLimits(new ImageLimits(Math.multiplyExact(maxFileMb, 1L << 20), maxPixels))
                .optAlignment(alignment)
                .optFlipAugment(flip)
                .optScaleFallback(!noScaleFallback);
        if (detector != null) {
            b.optDetector(detector);
        }
        if (minScore != null) {
            b.optMinScore(minScore);
        }
        return b.build();
    }
}
