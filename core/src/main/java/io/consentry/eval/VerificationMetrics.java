package io.consentry.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verification statistics over scored pairs (higher score = more similar).
 *
 * <p>Failure-to-enrol policy: a pair whose image gave no face keeps its place in the protocol and is scored as a
 * non-match ({@code -infinity}): a genuine pair then counts as a false non-match, an impostor pair as a correct
 * rejection. {@link #answeredOnly} gives the figures on the answered pairs alone, for comparison with tools that drop
 * such pairs.
 */
public final class VerificationMetrics {
    private VerificationMetrics() {
    }

    /** Result of the k-fold protocol: per-fold threshold (chosen on the other folds) and accuracy. */
    public record FoldResult(int fold, double threshold, double accuracy, int pairs) {
    }

    public record Report(int pairs, int genuine, int impostor, int unanswered, List<FoldResult> folds, double accuracy,
                         double accuracyStd, double auc, double eer, double tarAtFar1e2, double tarAtFar1e3,
                         double bestThreshold, double bestAccuracy) {
    }

    /** Scores with failures mapped to -infinity (the policy above). */
    static double effective(ScoredPair p) {
        return p.answered() ? p.score() : Double.NEGATIVE_INFINITY;
    }

    public static List<ScoredPair> answeredOnly(List<ScoredPair> pairs) {
        return pairs.stream().filter(ScoredPair::answered).toList();
    }

    public static Report evaluate(List<ScoredPair> pairs, int folds) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no pairs to evaluate");
        }
        List<FoldResult> results = new ArrayList<>();
        for (int k = 0; k < folds; k++) {
            final int fold = k;
            List<ScoredPair> train = pairs.stream().filter(p -> p.fold() != fold).toList();
            List<ScoredPair> test = pairs.stream().filter(p -> p.fold() == fold).toList();
            if (test.isEmpty()) {
                continue;
            }
            double t = bestThreshold(train.isEmpty() ? test : train);
            results.add(new FoldResult(k, t, accuracy(test, t), test.size()));
        }
        double mean = results.stream().mapToDouble(FoldResult::accuracy).average().orElse(Double.NaN);
        double var = results.stream().mapToDouble(r -> (r.accuracy() - mean) * (r.accuracy() - mean)).average().orElse(0);
        double[] gen = scores(pairs, true);
        double[] imp = scores(pairs, false);
        double best = bestThreshold(pairs);
        int unanswered = (int) pairs.stream().filter(p -> !p.answered()).count();
        return new Report(pairs.size(), gen.length, imp.length, unanswered, List.copyOf(results), mean, Math.sqrt(var),
                auc(gen, imp), eer(gen, imp), tarAtFar(gen, imp, 1e-2), tarAtFar(gen, imp, 1e-3), best, accuracy(pairs, best));
    }

    /** Sorted effective scores of genuine ({@code same}) or impostor pairs. */
    public static double[] scores(List<ScoredPair> pairs, boolean same) {
        return pairs.stream().filter(p -> p.same() == same).mapToDouble(VerificationMetrics::effective).sorted().toArray();
    }

    /** Fraction of pairs decided correctly with "same iff score >= t". */
    public static double accuracy(List<ScoredPair> pairs, double t) {
        long ok = pairs.stream().filter(p -> (effective(p) >= t) == p.same()).count();
        return (double) ok / pairs.size();
    }

    /** The threshold maximising accuracy: midpoints between consecutive distinct scores (ties: the middle one). */
    public static double bestThreshold(List<ScoredPair> pairs) {
        double[] s = pairs.stream().mapToDouble(VerificationMetrics::effective).filter(Double::isFinite).sorted().distinct().toArray();
        if (s.length == 0) {
            return 0;
        }
        double[] cand = new double[s.length + 1];
        cand[0] = s[0] - 1e-6;
        for (int i = 1; i < s.length; i++) {
            cand[i] = (s[i - 1] + s[i]) / 2;
        }
        cand[s.length] = s[s.length - 1] + 1e-6;
        // sweep: genuine pairs accepted at t = count(gen >= t); impostors rejected = count(imp < t)
        double[] gen = scores(pairs, true);
        double[] imp = scores(pairs, false);
        double bestAcc = -1;
        List<Double> bestTs = new ArrayList<>();
        for (double t : cand) {
            long ok = (gen.length - lowerBound(gen, t)) + lowerBound(imp, t);
            double acc = (double) ok / (gen.length + imp.length);
            if (acc > bestAcc + 1e-12) {
                bestAcc = acc;
                bestTs.clear();
                bestTs.add(t);
            } else if (Math.abs(acc - bestAcc) <= 1e-12) {
                bestTs.add(t);
            }
        }
        return bestTs.get(bestTs.size() / 2);
    }

    /** Number of values in sorted {@code a} strictly below {@code t}. */
    static int lowerBound(double[] a, double t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** False match rate at t: impostor pairs with score >= t. */
    public static double fmr(double[] impSorted, double t) {
        return impSorted.length == 0 ? 0 : (double) (impSorted.length - lowerBound(impSorted, t)) / impSorted.length;
    }

    /** False non-match rate at t: genuine pairs with score < t. */
    public static double fnmr(double[] genSorted, double t) {
        return genSorted.length == 0 ? 0 : (double) lowerBound(genSorted, t) / genSorted.length;
    }

    /** Area under the ROC curve (probability a genuine score beats an impostor score; ties count half). */
    public static double auc(double[] gen, double[] imp) {
        if (gen.length == 0 || imp.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double g : gen) {
            int below = lowerBound(imp, g);
            int upTo = upperBound(imp, g);
            sum += below + 0.5 * (upTo - below);
        }
        return sum / ((double) gen.length * imp.length);
    }

    static int upperBound(double[] a, double t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Equal error rate: where FMR and FNMR cross (the mean of the two at the closest threshold). */
    public static double eer(double[] gen, double[] imp) {
        double best = Double.MAX_VALUE;
        double eer = Double.NaN;
        for (double t : thresholds(gen, imp)) {
            double a = fmr(imp, t);
            double b = fnmr(gen, t);
            if (Math.abs(a - b) < best) {
                best = Math.abs(a - b);
                eer = (a + b) / 2;
            }
        }
        return eer;
    }

    /** True accept rate at the lowest threshold whose FMR is at most {@code far}. */
    public static double tarAtFar(double[] gen, double[] imp, double far) {
        return 1 - fnmr(gen, thresholdForFmr(imp, far));
    }

    /** The lowest threshold with FMR <= target (just above the k-th highest impostor score). */
    public static double thresholdForFmr(double[] impSorted, double target) {
        int allowed = (int) Math.floor(target * impSorted.length);
        if (impSorted.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        int idx = impSorted.length - 1 - allowed; // scores above this index may be accepted
        if (idx < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.nextUp(impSorted[idx]);
    }

    static double[] thresholds(double[] gen, double[] imp) {
        double[] all = new double[gen.length + imp.length];
        System.arraycopy(gen, 0, all, 0, gen.length);
        System.arraycopy(imp, 0, all, gen.length, imp.length);
        return Arrays.stream(all).filter(Double::isFinite).sorted().distinct().toArray();
    }

    /** ROC points (FMR, TAR) at every distinct threshold, from strict to lenient. */
    public static List<double[]> roc(double[] gen, double[] imp) {
        List<double[]> pts = new ArrayList<>();
        double[] ts = thresholds(gen, imp);
        pts.add(new double[] {0, 0});
        for (int i = ts.length - 1; i >= 0; i--) {
            pts.add(new double[] {fmr(imp, ts[i]), 1 - fnmr(gen, ts[i])});
        }
        pts.add(new double[] {1, 1});
        return pts;
    }
}
