package io.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.detect.Detection;
import io.consentry.engine.FaceEngine;
import io.consentry.eval.DetectionMetrics;
import io.consentry.eval.DetectionGroundTruth;
import io.consentry.geometry.Box;
import io.consentry.image.BadImageException;
import io.consentry.image.RgbImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry eval detection --gt wider_face_val_bbx_gt.txt --images DIR}. */
@Command(name = "detection", mixinStandardHelpOptions = true,
        description = "Detection AP at IoU 0.5 on WIDER-format ground truth, over all valid boxes and over boxes >= 32 px high; "
                + "PR curve PNG and per-image misses with --report.")
public final class EvalDetectionCommand implements Callable<Integer> {
    @Option(names = "--gt", required = true, paramLabel = "FILE", description = "WIDER FACE ground truth (wider_face_val_bbx_gt.txt format).")
    Path gt;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the ground-truth image paths are relative to.")
    Path images;

    @Option(names = "--eval-min-score", paramLabel = "S", description = "Keep detections down to this score for the PR curve (default ${DEFAULT-VALUE}).")
    double evalMinScore = 0.05;

    @Option(names = "--max-faces", paramLabel = "N", description = "At most N detections per image (default ${DEFAULT-VALUE}).")
    int maxFaces = 1000;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N images (quick checks).")
    Integer limit;

    @Option(names = "--faceapi-results", paramLabel = "JSON", split = ",",
            description = "Evaluate face-api.js's own detections (reference harness ref.mjs --out files, matched by file name) instead of running Consentry.")
    List<Path> faceapiResults;

    @Option(names = "--json", description = "Print the JSON summary.")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write summary.json and pr.png into DIR.")
    Path report;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    record ImageMisses(String image, List<Box> missed) {
    }

    record Summary(String detector, int images, int skippedImages, List<String> problems, double evalMinScore,
                   double ap50, int positives, double ap50Min32px, int positivesMin32px, double seconds,
                   List<ImageMisses> missed) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DetectionGroundTruth.GroundTruth truth = DetectionGroundTruth.read(gt);
        List<DetectionGroundTruth.GtImage> imgs = truth.images();
        if (limit != null) {
            imgs = imgs.subList(0, Math.min(limit, imgs.size()));
        }
        List<String> problems = new ArrayList<>(truth.problems());
        List<DetectionGroundTruth.GtImage> used = new ArrayList<>();
        List<DetectionMetrics.Scored> dets = new ArrayList<>();
        EngineArgs ea = engineArgs.copyWithThreads(engineArgs.threads);
        ea.minScore = evalMinScore;
        long t0 = System.nanoTime();
        String detector = faceapiResults != null ? readFaceApi(imgs, used, dets, problems) : detect(ea, imgs, used, dets, problems, err);
        DetectionMetrics.Result all = DetectionMetrics.evaluate(used, dets, 0.5, 0);
        DetectionMetrics.Result big = DetectionMetrics.evaluate(used, dets, 0.5, 32);
        List<ImageMisses> misses = new ArrayList<>();
        for (int i = 0; i < used.size(); i++) {
            if (!all.missed().get(i).isEmpty()) {
                misses.add(new ImageMisses(used.get(i).path(), all.missed().get(i)));
            }
        }
        Summary s = new Summary(detector, used.size(), imgs.size() - used.size(), problems, evalMinScore, all.ap(), all.positives(),
                big.ap(), big.positives(), (System.nanoTime() - t0) / 1e9, misses);
        if (report != null) {
            Files.createDirectories(report);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(report.resolve("summary.json").toFile(), s);
            XYChart c = new XYChartBuilder().width(800).height(600)
                    .title(String.format("%s — AP@0.5 %.3f (all valid), %.3f (>= 32 px)", detector, all.ap(), big.ap()))
                    .xAxisTitle("recall").yAxisTitle("precision").build();
            c.getStyler().setMarkerSize(0);
            addCurve(c, "all valid boxes", all);
            addCurve(c, "boxes >= 32 px high", big);
            Path tmp = report.resolve(".pr.tmp.png");
            BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, report.resolve("pr.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
        } else {
            out.printf("%s on %d images (%d skipped): AP@0.5 %.4f over %d valid boxes; %.4f over %d boxes >= 32 px high; %.0f s%n",
                    detector, used.size(), s.skippedImages(), all.ap(), all.positives(), big.ap(), big.positives(), s.seconds());
        }
        return ExitCodes.OK;
    }

    /** Runs Consentry's detector on every image; returns the detector's adapter name. */
    private String detect(EngineArgs ea, List<DetectionGroundTruth.GtImage> imgs, List<DetectionGroundTruth.GtImage> used,
                          List<DetectionMetrics.Scored> dets, List<String> problems, PrintWriter err) throws Exception {
        try (FaceEngine engine = ea.openWithMaxFaces(err, maxFaces)) {
            ProgressBar bar = new ProgressBar(err, imgs.size());
            for (DetectionGroundTruth.GtImage g : imgs) {
                try {
                    RgbImage img = engine.load(images.resolve(g.path()));
                    int index = used.size();
                    used.add(g);
                    for (Detection d : engine.detectBoxes(img)) {
                        dets.add(new DetectionMetrics.Scored(index, d.box(), d.score()));
                    }
                } catch (BadImageException e) {
                    problems.add(e.getMessage());
                    err.println("skipped " + e.getMessage());
                }
                bar.step(g.path());
            }
            return engine.detector().adapter();
        }
    }

    /** Reads face-api.js's detections from reference-harness JSON files, matching images by file name. */
    private String readFaceApi(List<DetectionGroundTruth.GtImage> imgs, List<DetectionGroundTruth.GtImage> used,
                               List<DetectionMetrics.Scored> dets, List<String> problems) throws java.io.IOException {
        Map<String, JsonNode> byName = new HashMap<>();
        for (Path f : faceapiResults) {
            for (JsonNode img : new ObjectMapper().readTree(f.toFile()).get("images")) {
                byName.put(img.get("file").asText(), img);
            }
        }
        for (DetectionGroundTruth.GtImage g : imgs) {
            JsonNode img = byName.get(Path.of(g.path()).getFileName().toString());
            if (img == null) {
                problems.add(g.path() + ": not in the face-api.js results");
                continue;
            }
            int index = used.size();
            used.add(g);
            for (JsonNode face : img.get("faces")) {
                JsonNode b = face.get("box");
                dets.add(new DetectionMetrics.Scored(index, new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(),
                        b.get(3).asDouble()), face.get("score").asDouble()));
            }
        }
        return "face-api.js (reference harness)";
    }

    private static void addCurve(XYChart c, String name, DetectionMetrics.Result r) {
        if (r.curve().isEmpty()) {
            return;
        }
        double[] x = r.curve().stream().mapToDouble(DetectionMetrics.PrPoint::recall).toArray();
        double[] y = r.curve().stream().mapToDouble(DetectionMetrics.PrPoint::precision).toArray();
        c.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }
}
