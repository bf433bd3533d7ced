package io.consentry.cli;

import io.consentry.eval.ScoredPair;
import io.consentry.eval.VerificationMetrics;

import java.util.List;

/** JSON summary of {@code eval verification}; {@code accuracy} is the mean 10-fold accuracy over all pairs. */
public record VerificationSummary(String pairsFile, int pairs, int skippedLines, List<String> skipped, int images,
                                  int noFaceImages, int unreadableImages, int cachedImages, int unansweredPairs,
                                  String policy, double accuracy, double accuracyStd, List<VerificationMetrics.FoldResult> folds,
                                  double auc, double eer, double tarAtFar1e2, double tarAtFar1e3,
                                  Double answeredAccuracy, Double answeredAccuracyStd, Integer answeredPairs,
                                  double defaultThreshold, double fmrAtDefault, double fnmrAtDefault,
                                  double bestThreshold, double bestAccuracy, String pipeline, double seconds,
                                  List<String> imageProblems) {

    static final String POLICY = "a pair with an image without a usable face is kept and scored as a non-match "
            + "(genuine pairs count as errors, impostor pairs as correct)";

    static VerificationSummary of(EvalCommand.Scored s, VerificationMetrics.Report all, VerificationMetrics.Report ans, double secs) {
        List<ScoredPair> scored = s.outcome().scored();
        double t = s.threshold();
        double[] gen = VerificationMetrics.scores(scored, true);
        double[] imp = VerificationMetrics.scores(scored, false);
        List<String> problems = s.outcome().problems();
        return new VerificationSummary(s.pairsPath().toString(), all.pairs(), s.file().problems().size(),
                s.file().problems().stream().limit(100).toList(), s.outcome().images(),
                s.outcome().noFace(), s.outcome().unreadable(), s.outcome().cached(), all.unanswered(), POLICY,
                all.accuracy(), all.accuracyStd(), all.folds(), all.auc(), all.eer(), all.tarAtFar1e2(), all.tarAtFar1e3(),
                ans == null ? null : ans.accuracy(), ans == null ? null : ans.accuracyStd(), ans == null ? null : ans.pairs(),
                t, VerificationMetrics.fmr(imp, t), VerificationMetrics.fnmr(gen, t), all.bestThreshold(), all.bestAccuracy(),
                s.configId(), secs, problems.stream().sorted().limit(2000).toList());
    }
}
