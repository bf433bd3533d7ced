package io.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.detect.Detection;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.image.RgbImage;
import io.consentry.onnx.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code consentry bench}: end-to-end throughput and per-stage time over the face-api.js demo images, optionally with
 * face-api.js itself (Node + tfjs wasm) run on the same images in the same invocation for a side-by-side ratio.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure images/s, faces/s and ms per stage (decode, detect, landmarks, align, descriptor).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (default: SHARED/reference/faceapi/images).")
    Path imagesDir;

    @Option(names = "--shared", paramLabel = "DIR", description = "The shared data folder (default: ../shared beside the checkout).")
    Path shared;

    @Option(names = "--runs", description = "Timed passes over all images (default ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--warmup", description = "Untimed passes first (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--workers", description = "Images processed concurrently in the throughput measurement, each with one "
            + "inference thread (default: one per core). Stage times always come from a sequential pass.")
    Integer workers;

    @Option(names = "--compare-faceapi", description = "Also run face-api.js (SHARED/reference/faceapi/harness/run.sh, wasm backend) on the same images and print the ratio.")
    boolean compare;

    @Option(names = "--json", description = "Print the result as JSON (speed ratio under \"ratio\").")
    boolean json;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    /** Milliseconds summed over one timed pass, per stage. */
    static final class StageTimes {
        double decode;
        double detect;
        double landmarks;
        double align;
        double descriptor;

        double total() {
            return decode + detect + landmarks + align + descriptor;
        }
    }

    /**
     * Sequential figures: one image at a time, ONNX Runtime using all cores inside each inference; the stage times
     * come from here.
     */
    record Speed(int images, int faces, int runs, double imagesPerSec, double facesPerSec, double imagesPerSecExcludingDecode,
                 Map<String, Double> msPerImage, Map<String, Double> msPerFace) {
    }

    /** Throughput: {@code workers} images in flight at once (decode included), one inference thread each. */
    record Throughput(int workers, int images, int faces, int runs, double imagesPerSec, double facesPerSec) {
    }

    record FaceApiSpeed(String backend, int images, int faces, double imagesPerSec, double facesPerSec, String note) {
    }

    /**
     * {@code ratio}: Consentry's best images/s, decode included (throughput mode) over face-api.js's images/s, which
     * excludes its decode; {@code ratioSequential}: the same with Consentry one image at a time;
     * {@code ratioExcludingDecode}: sequential, decode excluded on both sides.
     */
    record BenchResult(String machine, Speed consentry, Throughput throughput, FaceApiSpeed faceapi, Double ratio,
                       Double ratioSequential, Double ratioExcludingDecode) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path sharedDir = shared != null ? shared : defaultShared();
        Path dir = imagesDir != null ? imagesDir : sharedDir.resolve("reference/faceapi/images");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png|bmp|gif|webp)$")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list images in " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images in " + dir);
        }
        Speed ours;
        try (FaceEngine engine = engineArgs.open(spec.commandLine().getErr())) {
            ProgressBar bar = new ProgressBar(err, (warmup + runs) * files.size());
            for (int i = 0; i < warmup; i++) {
                pass(engine, files, bar);
            }
            List<StageTimes> timed = new ArrayList<>();
            int faces = 0;
            for (int i = 0; i < runs; i++) {
                StageTimes t = new StageTimes();
                faces = pass(engine, files, bar, t);
                timed.add(t);
            }
            ours = summarise(files.size(), faces, timed);
        }
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        Throughput tp = throughput(files, n, err);
        FaceApiSpeed theirs = compare ? runFaceApi(sharedDir, files, err) : null;
        double best = Math.max(ours.imagesPerSec(), tp.imagesPerSec());
        Double ratio = theirs == null ? null : best / theirs.imagesPerSec();
        Double ratioSeq = theirs == null ? null : ours.imagesPerSec() / theirs.imagesPerSec();
        Double ratioNoDecode = theirs == null ? null : ours.imagesPerSecExcludingDecode() / theirs.imagesPerSec();
        BenchResult r = new BenchResult(Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version"), ours, tp, theirs, ratio, ratioSeq, ratioNoDecode);
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            out.printf("consentry: %d images, %d faces, %d timed runs (%s)%n", ours.images(), ours.faces(), ours.runs(), r.machine());
            out.printf("  end to end (incl. decode): %.2f images/s, %.2f faces/s; excluding decode %.2f images/s%n",
                    ours.imagesPerSec(), ours.facesPerSec(), ours.imagesPerSecExcludingDecode());
            out.printf("  ms per image: %s%n  ms per face:  %s%n", ours.msPerImage(), ours.msPerFace());
            out.printf("  throughput with %d workers (incl. decode): %.2f images/s, %.2f faces/s%n", tp.workers(), tp.imagesPerSec(), tp.facesPerSec());
            if (theirs != null) {
                out.printf("face-api.js (%s): %.2f images/s, %.2f faces/s (%s)%n", theirs.backend(), theirs.imagesPerSec(), theirs.facesPerSec(), theirs.note());
                out.printf("ratio: %.2fx (best consentry incl. decode vs face-api.js excl. decode); sequential %.2fx; "
                        + "%.2fx sequential with decode excluded on both sides%n", ratio, ratioSeq, ratioNoDecode);
            }
        }
        return ExitCodes.OK;
    }

    /** Wall-clock throughput with {@code n} images in flight, on an engine whose inferences use one thread each. */
    private Throughput throughput(List<Path> files, int n, PrintWriter err) throws Exception {
        EngineArgs single = engineArgs.copyWithThreads(engineArgs.threads > 0 ? engineArgs.threads : 1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try (FaceEngine engine = single.open(err)) {
            ProgressBar bar = new ProgressBar(err, (warmup + runs) * files.size());
            int faces = 0;
            double secs = 0;
            for (int r = 0; r < warmup + runs; r++) {
                long t0 = System.nanoTime();
                List<java.util.concurrent.Future<Integer>> futures = new ArrayList<>();
                for (Path p : files) {
                    futures.add(pool.submit(() -> {
                        RgbImage img = engine.load(p);
                        List<Face> fs = engine.detect(img);
                        engine.embedAll(img, fs);
                        return fs.size();
                    }));
                }
                int f = 0;
                for (java.util.concurrent.Future<Integer> fu : futures) {
                    f += fu.get();
                    bar.step("throughput");
                }
                if (r >= warmup) {
                    secs += (System.nanoTime() - t0) / 1e9;
                    faces = f;
                }
            }
            return new Throughput(n, files.size(), faces, runs, files.size() * runs / secs, (double) faces * runs / secs);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int pass(FaceEngine engine, List<Path> files, ProgressBar bar) throws Exception {
        return pass(engine, files, bar, new StageTimes());
    }

    private static int pass(FaceEngine engine, List<Path> files, ProgressBar bar, StageTimes t) throws Exception {
        int faces = 0;
        for (Path p : files) {
            long t0 = System.nanoTime();
            RgbImage img = engine.load(p);
            long t1 = System.nanoTime();
            List<Detection> dets = engine.detectBoxes(img);
            long t2 = System.nanoTime();
            List<Face> fs = engine.landmarks(img, dets);
            long t3 = System.nanoTime();
            if (!fs.isEmpty()) {
                FloatTensor in = engine.prepareDescriptorInput(img, fs);
                long t4 = System.nanoTime();
                engine.embedPrepared(in);
                long t5 = System.nanoTime();
                t.align += (t4 - t3) / 1e6;
                t.descriptor += (t5 - t4) / 1e6;
            }
            t.decode += (t1 - t0) / 1e6;
            t.detect += (t2 - t1) / 1e6;
            t.landmarks += (t3 - t2) / 1e6;
            faces += fs.size();
            bar.step(p.getFileName().toString());
        }
        return faces;
    }

    private static Speed summarise(int images, int faces, List<StageTimes> runs) {
        StageTimes mean = new StageTimes();
        for (StageTimes t : runs) {
            mean.decode += t.decode / runs.size();
            mean.detect += t.detect / runs.size();
            mean.landmarks += t.landmarks / runs.size();
            mean.align += t.align / runs.size();
            mean.descriptor += t.descriptor / runs.size();
        }
        Map<String, Double> perImage = new LinkedHashMap<>();
        perImage.put("decode", r1(mean.decode / images));
        perImage.put("detect", r1(mean.detect / images));
        perImage.put("landmarks", r1(mean.landmarks / images));
        perImage.put("align", r1(mean.align / images));
        perImage.put("descriptor", r1(mean.descriptor / images));
        perImage.put("total", r1(mean.total() / images));
        Map<String, Double> perFace = new LinkedHashMap<>();
        if (faces > 0) {
            perFace.put("landmarks", r1(mean.landmarks / faces));
            perFace.put("align", r1(mean.align / faces));
            perFace.put("descriptor", r1(mean.descriptor / faces));
        }
        double secs = mean.total() / 1000;
        return new Speed(images, faces, runs.size(), images / secs, faces / secs, images / ((mean.total() - mean.decode) / 1000), perImage, perFace);
    }

    private static double r1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private FaceApiSpeed runFaceApi(Path sharedDir, List<Path> files, PrintWriter err) throws Exception {
        Path script = sharedDir.resolve("reference/faceapi/harness/run.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("face-api.js harness not found at " + script + " (use --shared DIR)");
        }
        Path outJson = Files.createTempFile("faceapi-bench-", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "ref.mjs", "--backend", "wasm", "--no-verify",
                    "--warmup", String.valueOf(Math.max(1, warmup)), "--runs", String.valueOf(runs), "--out", outJson.toString()));
            files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
            err.println("running face-api.js (wasm) on the same images: " + String.join(" ", cmd.subList(0, 3)) + " …");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("face-api.js harness failed: " + log.strip().lines().reduce((a, b) -> b).orElse(""));
            }
            JsonNode s = new ObjectMapper().readTree(outJson.toFile()).get("summary");
            return new FaceApiSpeed("wasm", s.get("images").asInt(), s.get("faces").asInt(), s.get("imagesPerSec").asDouble(),
                    s.get("facesPerSec").asDouble(), s.path("note").asText());
        } finally {
            Files.deleteIfExists(outJson);
        }
    }

    static Path defaultShared() {
        String repo = System.getProperty("consentry.repo");
        Path base = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath();
        return base.resolve("../shared").normalize();
    }
}
