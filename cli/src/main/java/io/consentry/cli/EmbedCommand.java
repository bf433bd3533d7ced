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

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry embed IMAGE [--json]}. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Every face in an image with its L2-normalised 128-D descriptor. Exit 1 if no face.")
public final class EmbedCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", description = "Image file.")
    Path image;

    @Option(names = "--json", description = "Print JSON: {model, faces: [{box, score, landmarks5, landmarks68, descriptor}]}.")
    boolean json;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    record EmbedResult(String model, List<FaceJson> faces) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (FaceEngine engine = engineArgs.open(spec.commandLine().getErr())) {
            RgbImage img = engine.load(image);
            List<Face> faces = engine.detect(img);
            List<Embedding> embs = engine.embedAll(img, faces);
            List<FaceJson> js = new ArrayList<>();
            for (int i = 0; i < faces.size(); i++) {
                js.add(FaceJson.of(faces.get(i), embs.get(i)));
            }
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(new EmbedResult(engine.embedder().modelId(), js)));
            } else {
                for (int i = 0; i < faces.size(); i++) {
                    Face f = faces.get(i);
                    float[] v = embs.get(i).vector();
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < v.length; k++) {
                        sb.append(k == 0 ? "" : " ").append(String.format("%.5f", v[k]));
                    }
                    out.printf("face %d box x=%.1f y=%.1f w=%.1f h=%.1f score=%.3f%n  %s%n", i + 1, f.box().x(), f.box().y(),
                            f.box().width(), f.box().height(), f.score(), sb);
                }
            }
            if (faces.isEmpty()) {
                spec.commandLine().getErr().println("consentry: no face found in " + image);
                return ExitCodes.NO_FACE;
            }
            return ExitCodes.OK;
        }
    }
}
