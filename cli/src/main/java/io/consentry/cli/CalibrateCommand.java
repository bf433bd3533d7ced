package io.consentry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.engine.Calibration;
import io.consentry.eval.ScoredPair;
import io.consentry.eval.VerificationMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry calibrate --pairs FILE --images DIR --target-fmr 1e-3}. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Choose the decision threshold for a target false-match rate on your own labelled pairs and store it "
                + "where the engine reads it ($CONSENTRY_HOME/calibration/<pack>.json).")
public final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    EvalCommand.PairsArgs pairsArgs;

    @Mixin
    EngineArgs engineArgs;

    @Option(names = "--target-fmr", required = true, paramLabel = "R", description = "Target false-match rate, e.g. 1e-3.")
    double targetFmr;

    @Option(names = "--dry-run", description = "Print the threshold without storing it.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the calibration as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(targetFmr > 0 && targetFmr < 1)) {
            throw new IllegalArgumentException("--target-fmr must be between 0 and 1, got " + targetFmr);
        }
        EvalCommand.Scored s = EvalCommand.score(pairsArgs, engineArgs, spec.commandLine().getErr());
        List<ScoredPair> scored = s.outcome().scored();
        double[] gen = VerificationMetrics.scores(scored, true);
        double[] imp = VerificationMetrics.scores(scored, false);
        if (imp.length == 0 || gen.length == 0) {
            throw new IllegalArgumentException("calibration needs both genuine and impostor pairs");
        }
        if (targetFmr * imp.length < 1) {
            spec.commandLine().getErr().printf("note: %d impostor pairs cannot resolve an FMR of %.1g; the threshold allows no false match on them%n",
                    imp.length, targetFmr);
        }
        double t = VerificationMetrics.thresholdForFmr(imp, targetFmr);
        String packId = io.consentry.pack.ModelPack.open(engineArgs.options().packDir()).manifest().pack();
        Calibration c = new Calibration(packId, t, targetFmr, VerificationMetrics.fmr(imp, t), VerificationMetrics.fnmr(gen, t),
                imp.length, gen.length, pairsArgs.pairs.toAbsolutePath().toString(), Instant.now().toString());
        Path file = Calibration.file(engineArgs.home(), packId);
        if (!dryRun) {
            c.write(file);
        }
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(c));
        } else {
            spec.commandLine().getOut().printf("threshold %.4f for target FMR %.1g: measured FMR %.4f%%, FNMR %.4f%% on %d impostor and %d genuine pairs%s%n",
                    t, targetFmr, 100 * c.measuredFmr(), 100 * c.measuredFnmr(), imp.length, gen.length,
                    dryRun ? " (not stored)" : "; stored in " + file);
        }
        return ExitCodes.OK;
    }
}
