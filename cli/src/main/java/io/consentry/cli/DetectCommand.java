package io.consentry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.ConsentryException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code consentry detect IMAGE... [--json] [--annotate OUT]}. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Find faces: box, score, 5 and 68 landmarks. Exit 1 if no image has a face, 3 on a bad image.")
public final class DetectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "JPEG, PNG, BMP, GIF or WebP files.")
    List<Path> images;

    @Option(names = "--json", description = "Print JSON: {image: [faces]}.")
    boolean json;

    @Option(names = "--annotate", paramLabel = "OUT", description = "Write an annotated PNG (OUT is a folder when several images are given).")
    Path annotate;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    /** Per-image outcome in JSON: faces, or the error that stopped that image. */
    record ImageResult(List<FaceJson> faces, String error) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (annotate != null && images.size() > 1 && !Files.isDirectory(annotate)) {
            throw new IllegalArgumentException("--annotate must be an existing folder when several images are given");
        }
        if (annotate != null && !Files.isDirectory(annotate) && !Files.isDirectory(annotate.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--annotate: folder " + annotate.toAbsolutePath().getParent() + " does not exist");
        }
        Map<String, ImageResult> results = new LinkedHashMap<>();
        int found = 0;
        int bad = 0;
        ConsentryException lastError = null;
        ProgressBar bar = new ProgressBar(err, images.size());
        try (FaceEngine engine = engineArgs.open(spec.commandLine().getErr())) {
            for (Path p : images) {
                try {
                    RgbImage img = engine.load(p);
                    List<Face> faces = engine.detect(img);
                    found += faces.isEmpty() ? 0 : 1;
                    List<FaceJson> js = new ArrayList<>();
                    for (Face f : faces) {
                        js.add(FaceJson.of(f, null));
                    }
                    results.put(p.toString(), new ImageResult(js, null));
                    if (!json) {
                        out.printf("%s: %d face%s%n", p, faces.size(), faces.size() == 1 ? "" : "s");
                        for (Face f : faces) {
                            out.printf("  box x=%.1f y=%.1f w=%.1f h=%.1f score=%.3f%n", f.box().x(), f.box().y(), f.box().width(), f.box().height(), f.score());
                        }
                    }
                    if (annotate != null) {
                        Path target = Files.isDirectory(annotate) ? annotate.resolve(p.getFileName() + ".annotated.png") : annotate;
                        Annotator.write(img, faces, target);
                    }
                } catch (io.consentry.image.BadImageException e) {
                    bad++;
                    lastError = e;
                    results.put(p.toString(), new ImageResult(List.of(), e.getMessage()));
                    err.println("consentry: " + e.getMessage());
                }
                bar.step(p.getFileName().toString());
            }
        }
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
        if (bad == images.size() && lastError != null) {
            return ExitCodes.BAD_INPUT;
        }
        if (found == 0) {
            if (!json) {
                err.println("consentry: no face found");
            }
            return ExitCodes.NO_FACE;
        }
        return bad > 0 ? ExitCodes.BAD_INPUT : ExitCodes.OK;
    }
}
