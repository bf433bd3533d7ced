package io.consentry.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationMetricsTest {

    private static List<ScoredPair> separable() {
        List<ScoredPair> p = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            for (int i = 0; i < 10; i++) {
                p.add(new ScoredPair(0.8 + i * 0.01, true, f));
                p.add(new ScoredPair(0.1 + i * 0.01, false, f));
            }
        }
        return p;
    }

    @Test
    void perfectlySeparableScoresGiveFullAccuracy() {
        VerificationMetrics.Report r = VerificationMetrics.evaluate(separable(), 10);
        assertEquals(1.0, r.accuracy(), 1e-12);
        assertEquals(0.0, r.accuracyStd(), 1e-12);
        assertEquals(1.0, r.auc(), 1e-12);
        assertEquals(0.0, r.eer(), 1e-12);
        assertEquals(1.0, r.tarAtFar1e3(), 1e-12);
        assertTrue(r.bestThreshold() > 0.19 && r.bestThreshold() <= 0.8, "threshold " + r.bestThreshold());
    }

    @Test
    void failureToEnrolCountsAsNonMatch() {
        List<ScoredPair> p = new ArrayList<>(separable());
        p.set(0, new ScoredPair(Double.NaN, true, 0));   // genuine, unanswered -> error
        p.set(1, new ScoredPair(Double.NaN, false, 0));  // impostor, unanswered -> correct
        VerificationMetrics.Report r = VerificationMetrics.evaluate(p, 10);
        assertEquals(2, r.unanswered());
        assertEquals(1.0 - 0.1 * (1.0 / 20), r.accuracy(), 1e-9); // fold 0 loses 1 of 20
        assertEquals(198, VerificationMetrics.answeredOnly(p).size());
    }

    @Test
    void aucMatchesBruteForceWithTies() {
        Random rnd = new Random(7);
        double[] gen = new double[200];
        double[] imp = new double[300];
        for (int i = 0; i < gen.length; i++) {
            gen[i] = Math.round(rnd.nextGaussian() * 10 + 5) / 10.0;
        }
        for (int i = 0; i < imp.length; i++) {
            imp[i] = Math.round(rnd.nextGaussian() * 10) / 10.0;
        }
        java.util.Arrays.sort(gen);
        java.util.Arrays.sort(imp);
        double brute = 0;
        for (double g : gen) {
            for (double m : imp) {
                brute += g > m ? 1 : g == m ? 0.5 : 0;
            }
        }
        assertEquals(brute / (gen.length * imp.length), VerificationMetrics.auc(gen, imp), 1e-12);
    }

    @Test
    void thresholdForFmrAllowsAtMostTheTargetShare() {
        double[] imp = new double[1000];
        for (int i = 0; i < imp.length; i++) {
            imp[i] = i / 1000.0;
        }
        double t = VerificationMetrics.thresholdForFmr(imp, 1e-2);
        assertEquals(0.01, VerificationMetrics.fmr(imp, t), 1e-12);
        assertTrue(VerificationMetrics.fmr(imp, Math.nextDown(t)) > 0.01);
        double strict = VerificationMetrics.thresholdForFmr(imp, 1e-4); // below resolution: no false match allowed
        assertEquals(0.0, VerificationMetrics.fmr(imp, strict), 0);
    }
}
