package io.consentry.store.crypto;

import io.consentry.store.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrthogonalTransformTest {
    private static byte[] seed(int s) {
        byte[] b = new byte[32];
        new Random(s).nextBytes(b);
        return b;
    }

    @Test
    void theMatrixIsOrthogonalAndDeterministic() {
        OrthogonalTransform q = OrthogonalTransform.fromSeed(seed(1), 128);
        assertTrue(q.orthogonalityError() < 1e-12, "max |QᵀQ - I| = " + q.orthogonalityError());
        float[] v = Fixtures.unitVector(new Random(3), 128);
        assertArrayEquals(q.apply(v), OrthogonalTransform.fromSeed(seed(1), 128).apply(v), 0f, "same seed, same matrix");
        assertArrayEquals(v, q.applyTransposed(q.apply(v)), 1e-6f, "Qᵀ inverts Q");
        assertEquals(1.0, Math.sqrt(Fixtures.dot(q.apply(v), q.apply(v))), 1e-6, "norm preserved");
    }

    /** Accuracy is unchanged: cosine similarity after the transform equals the original, up to float rounding. */
    @Test
    void cosineSimilarityIsPreservedExactly() {
        OrthogonalTransform q = OrthogonalTransform.fromSeed(seed(2), 128);
        Random rnd = new Random(11);
        double worst = 0;
        for (int i = 0; i < 20_000; i++) {
            float[] a = Fixtures.unitVector(rnd, 128);
            // half the pairs similar (same-person-like), half random (impostor-like)
            float[] b = i % 2 == 0 ? Fixtures.near(rnd, a, 0.03 + 0.1 * rnd.nextDouble()) : Fixtures.unitVector(rnd, 128);
            double before = Fixtures.cos(a, b);
            double after = Fixtures.cos(q.apply(a), q.apply(b));
            worst = Math.max(worst, Math.abs(after - before));
        }
        assertTrue(worst < 1e-5, "max |cos(Qa,Qb) - cos(a,b)| = " + worst);
        System.out.println("[orthogonal transform] max |cos(Qa,Qb) - cos(a,b)| over 20000 pairs = " + worst);
    }

    /** Two deployments: the same descriptor gives unrelated vectors. */
    @Test
    void differentSeedsGiveUnlinkableVectors() {
        OrthogonalTransform q1 = OrthogonalTransform.fromSeed(seed(5), 128);
        OrthogonalTransform q2 = OrthogonalTransform.fromSeed(seed(6), 128);
        Random rnd = new Random(8);
        double sumAbs = 0;
        double worst = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            float[] v = Fixtures.unitVector(rnd, 128);
            double c = Math.abs(Fixtures.cos(q1.apply(v), q2.apply(v)));
            sumAbs += c;
            worst = Math.max(worst, c);
        }
        // random unit vectors in 128-D: E|cos| = sqrt(2/(pi*128)) ≈ 0.07, max over 2000 ≈ 0.3
        assertTrue(sumAbs / n < 0.1, "mean |cos| " + sumAbs / n);
        assertTrue(worst < 0.45, "max |cos| " + worst);
    }

    @Test
    void otherDimensionsWork() {
        OrthogonalTransform q = OrthogonalTransform.fromSeed(seed(9), 512);
        assertEquals(512, q.dimension());
        assertTrue(q.orthogonalityError() < 1e-12);
    }
}
