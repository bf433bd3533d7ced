package io.consentry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.engine.FaceEngine;
import io.consentry.eval.DescriptorCache;
import io.consentry.eval.PairsFile;
import io.consentry.eval.ScoredPair;
import io.consentry.eval.VerificationMetrics;
import io.consentry.eval.VerificationPair;
import io.consentry.eval.VerificationRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry eval verification|detection}. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure accuracy on labelled data.",
        subcommands = {EvalCommand.Verification.class, EvalDetectionCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Options shared by verification evaluation and calibration. */
    static final class PairsArgs {
        @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "LFW pairs.txt, or CSV a,b,same.")
        Path pairs;

        @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the pair paths are relative to.")
        Path images;

        @Option(names = "--max-pairs-per-fold", paramLabel = "N", description = "Use only the first N genuine and N impostor pairs of each fold (quick checks).")
        Integer maxPerFold;

        @Option(names = "--workers", paramLabel = "N", description = "Images processed concurrently (default: one per core).")
        Integer workers;

        @Option(names = "--no-cache", description = "Do not read or write the on-disk descriptor cache.")
        boolean noCache;

        @Option(names = "--faceapi-results", paramLabel = "JSON", split = ",",
                description = "Score face-api.js's own outputs (reference harness ref.mjs --out files) instead of running Consentry.")
        List<Path> faceapiResults;
    }

    /** Scored pairs of a protocol plus run statistics. */
    record Scored(Path pairsPath, PairsFile file, List<VerificationPair> used, VerificationRunner.Outcome outcome, String configId,
                  double threshold) {
    }

    static Scored score(PairsArgs a, EngineArgs engineArgs, PrintWriter err) throws Exception {
        PairsFile pf = PairsFile.read(a.pairs, a.images);
        for (String p : pf.problems()) {
            err.println("skipped " + p);
        }
        List<VerificationPair> used = pf.pairs();
        if (a.maxPerFold != null) {
            List<VerificationPair> cut = new ArrayList<>();
            int[][] count = new int[pf.folds()][2];
            for (VerificationPair p : used) {
                int k = p.same() ? 0 : 1;
                if (count[p.fold()][k]++ < a.maxPerFold) {
                    cut.add(p);
                }
            }
            used = cut;
        }
        if (used.isEmpty()) {
            throw new IllegalArgumentException("no usable pairs in " + a.pairs + " (" + pf.problems().size() + " lines skipped)");
        }
        if (a.faceapiResults != null) {
            return new Scored(a.pairs, pf, used, FaceApiResults.score(a.faceapiResults, used), "faceapi.js-harness",
                    io.consentry.pack.FaceApiPackInstaller.DEFAULT_SIMILARITY_THRESHOLD);
        }
        int workers = a.workers != null ? a.workers : Runtime.getRuntime().availableProcessors();
        EngineArgs ea = engineArgs.copyWithThreads(engineArgs.threads > 0 ? engineArgs.threads : (workers > 1 ? 1 : 0));
        try (FaceEngine engine = ea.open(err)) {
            String config = configId(engine, a);
            DescriptorCache cache = a.noCache ? DescriptorCache.inMemory(128)
                    : DescriptorCache.open(engineArgs.home().resolve("cache/descriptors/" + config + ".bin"), 128);
            try (cache) {
                int distinct = (int) used.stream().flatMap(p -> java.util.stream.Stream.of(p.a(), p.b())).distinct().count();
                ProgressBar bar = new ProgressBar(err, distinct);
                VerificationRunner.Outcome out = VerificationRunner.run(engine, used, cache, workers, n -> bar.step("images"));
                return new Scored(a.pairs, pf, used, out, config, engine.threshold());
            }
        }
    }

    /** Identifies the pipeline configuration, so cached descriptors are only reused for the same one. */
    static String configId(FaceEngine engine, PairsArgs a) throws Exception {
        String desc = String.join("|", engine.pack().manifest().pack(), engine.detector().adapter(),
                String.valueOf(engine.options().detector().orElse("")), String.valueOf(engine.minScore()),
                engine.options().alignment().name(), String.valueOf(engine.options().flipAugment()), "fallback=" + engine.options().scaleFallback(), "central-face-v1");
        byte[] h = MessageDigest.getInstance("SHA-256").digest(desc.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h).substring(0, 16);
    }

    @Command(name = "verification", mixinStandardHelpOptions = true,
            description = "10-fold verification protocol: accuracy (mean ± std), ROC AUC, EER, TAR at FAR 1e-2 and 1e-3, "
                    + "failure to enrol; --report writes JSON and PNG plots.")
    static final class Verification implements Callable<Integer> {
        @Mixin
        PairsArgs pairsArgs;

        @Mixin
        EngineArgs engineArgs;

        @Option(names = "--json", description = "Print a JSON summary (mean 10-fold accuracy under \"accuracy\").")
        boolean json;

        @Option(names = "--report", paramLabel = "DIR", description = "Write summary.json, roc.png, det.png, scores.png into DIR.")
        Path report;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            long t0 = System.nanoTime();
            Scored s = score(pairsArgs, engineArgs, err);
            List<ScoredPair> scored = s.outcome().scored();
            VerificationMetrics.Report all = VerificationMetrics.evaluate(scored, s.file().folds());
            List<ScoredPair> answered = VerificationMetrics.answeredOnly(scored);
            VerificationMetrics.Report ans = answered.isEmpty() ? null : VerificationMetrics.evaluate(answered, s.file().folds());
            double secs = (System.nanoTime() - t0) / 1e9;
            VerificationSummary sum = VerificationSummary.of(s, all, ans, secs);
            if (report != null) {
                VerificationReportWriter.write(report, sum, scored, all);
            }
            if (json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(sum));
            } else {
                out.printf("pairs %d (%d skipped lines), images %d: %d without a face, %d unreadable (policy: %s)%n",
                        all.pairs(), sum.skippedLines(), sum.images(), sum.noFaceImages(), sum.unreadableImages(), sum.policy());
                out.printf("10-fold accuracy %.2f%% ± %.2f  AUC %.5f  EER %.2f%%  TAR@FAR=1e-2 %.2f%%  TAR@FAR=1e-3 %.2f%%%n",
                        100 * all.accuracy(), 100 * all.accuracyStd(), all.auc(), 100 * all.eer(), 100 * all.tarAtFar1e2(), 100 * all.tarAtFar1e3());
                if (ans != null) {
                    out.printf("answered pairs only (%d): 10-fold accuracy %.2f%% ± %.2f%n", ans.pairs(), 100 * ans.accuracy(), 100 * ans.accuracyStd());
                }
                out.printf("default threshold %.2f: FMR %.4f%%, FNMR %.4f%%; %.0f s%n", sum.defaultThreshold(),
                        100 * sum.fmrAtDefault(), 100 * sum.fnmrAtDefault(), secs);
            }
            return ExitCodes.OK;
        }
    }

}
