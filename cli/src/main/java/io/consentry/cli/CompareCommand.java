package io.consentry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.embed.Embedding;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.image.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry compare A B [--json]}: the largest face of each image. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare the largest face in A with the largest face in B: cosine similarity and same/different "
                + "at the engine's threshold (0.91 for the default pack, or your calibration). Exit 1 if either image has no face.")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "First image.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Second image.")
    Path b;

    @Option(names = "--json", description = "Print JSON: {similarity, threshold, same, distance}.")
    boolean json;

    @Option(names = "--threshold", paramLabel = "T", description = "Decision threshold on cosine similarity (default: the pack's).")
    Double threshold;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    record CompareResult(double similarity, double threshold, boolean same, double distance) {
    }

    @Override
    public Integer call() throws Exception {
        try (FaceEngine engine = engineArgs.open(spec.commandLine().getErr())) {
            Embedding ea = largest(engine, a);
            Embedding eb = largest(engine, b);
            if (ea == null || eb == null) {
                spec.commandLine().getErr().println("consentry: no face found in " + (ea == null ? a : b));
                return ExitCodes.NO_FACE;
            }
            if (threshold != null && !(threshold >= -1 && threshold <= 1)) {
                throw new IllegalArgumentException("--threshold must be a cosine similarity in [-1, 1], got " + threshold);
            }
            double t = threshold != null ? threshold : engine.threshold();
            double s = engine.similarity(ea, eb);
            CompareResult r = new CompareResult(s, t, s >= t, ea.distance(eb));
            if (json) {
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(r));
            } else {
                spec.commandLine().getOut().printf("similarity %.4f (threshold %.2f): %s%n", s, t, r.same() ? "same person" : "different people");
            }
            return ExitCodes.OK;
        }
    }

    private static Embedding largest(FaceEngine engine, Path p) throws Exception {
        RgbImage img = engine.load(p);
        List<Face> faces = engine.detect(img);
        Face best = faces.stream().max(Comparator.comparingDouble(f -> f.box().area())).orElse(null);
        return best == null ? null : engine.embed(img, best);
    }
}
