package io.consentry.store.crypto;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A secret random orthogonal matrix {@code Q} (dimension × dimension) derived deterministically from a 256-bit seed.
 *
 * <p>Construction, all in double precision: a Gaussian matrix {@code G} is filled from a deterministic generator
 * (HMAC-SHA256 keyed with the seed over a counter, giving uniform 53-bit doubles, turned into standard normals by
 * Box–Muller); its columns are orthonormalised by modified Gram–Schmidt, run twice for numerical orthogonality
 * (max |QᵀQ − I| ≈ 1e-15). Gram–Schmidt is the QR decomposition with a positive diagonal in R, so {@code Q} is
 * distributed uniformly (Haar) over the orthogonal group: without the seed, {@code Q·v} reveals nothing linkable to
 * {@code v} or to {@code Q'·v} under another seed.
 *
 * <p>Because {@code Q} is orthogonal, {@code (Qa)·(Qb) = a·b} and {@code |Qa| = |a|}: cosine similarity is preserved
 * exactly (up to float rounding of the output, below 1e-6). Immutable and thread-safe.
 */
public final class OrthogonalTransform {
    private final int dim;
    /** Row-major: q[i * dim + j] = Q(i, j). */
    private final double[] q;

    private OrthogonalTransform(int dim, double[] q) {
        this.dim = dim;
        this.q = q;
    }

    /**
     * Derives the transform for {@code dimension} from {@code seed} (32 bytes). The same seed and dimension always give
     * the same matrix.
     */
    public static OrthogonalTransform fromSeed(byte[] seed, int dimension) {
        if (seed.length < 16) {
            throw new IllegalArgumentException("transform seed must have at least 128 bits");
        }
        if (dimension < 1 || dimension > 4096) {
            throw new IllegalArgumentException("dimension must be 1..4096, got " + dimension);
        }
        Gaussian g = new Gaussian(seed, dimension);
        int n = dimension;
        // Column-major working copy: col[j] is column j.
        double[][] col = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                col[j][i] = g.next();
            }
        }
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += col[k][i] * col[j][i];
                    }
                    for (int i = 0; i < n; i++) {
                        col[j][i] -= dot * col[k][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += col[j][i] * col[j][i];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-9) {
                throw new IllegalStateException("degenerate Gaussian matrix"); // probability 0
            }
            for (int i = 0; i < n; i++) {
                col[j][i] /= norm;
            }
        }
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = col[j][i];
            }
        }
        return new OrthogonalTransform(n, q);
    }

    public int dimension() {
        return dim;
    }

    /** {@code Q·v} as floats (computed in double). */
    public float[] apply(float[] v) {
        return toFloat(applyD(toDouble(v)));
    }

    /** {@code Qᵀ·v}, the inverse. */
    public float[] applyTransposed(float[] v) {
        return toFloat(applyTransposedD(toDouble(v)));
    }

    double[] applyD(double[] v) {
        check(v.length);
        double[] out = new double[dim];
        for (int i = 0; i < dim; i++) {
            double s = 0;
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                s += q[row + j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    double[] applyTransposedD(double[] v) {
        check(v.length);
        double[] out = new double[dim];
        for (int i = 0; i < dim; i++) {
            double vi = v[i];
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                out[j] += q[row + j] * vi;
            }
        }
        return out;
    }

    /** max |QᵀQ − I| over all entries: a self-check (about 1e-15). */
    public double orthogonalityError() {
        double worst = 0;
        for (int a = 0; a < dim; a++) {
            for (int b = a; b < dim; b++) {
                double s = 0;
                for (int i = 0; i < dim; i++) {
                    s += q[i * dim + a] * q[i * dim + b];
                }
                worst = Math.max(worst, Math.abs(s - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }

    private void check(int n) {
        if (n != dim) {
            throw new IllegalArgumentException("vector length " + n + " does not match the transform's dimension " + dim);
        }
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static float[] toFloat(double[] d) {
        float[] v = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = (float) d[i];
        }
        return v;
    }

    @Override
    public String toString() {
        return "OrthogonalTransform[dim=" + dim + "]"; // never print the matrix
    }

    /** Deterministic standard normals: HMAC-SHA256(seed, label ‖ dim ‖ counter) → uniforms → Box–Muller. */
    private static final class Gaussian {
        private final Mac mac;
        private final byte[] label;
        private long counter;
        private final double[] uniforms = new double[4];
        private int next = 4;
        private double spare;
        private boolean hasSpare;

        Gaussian(byte[] seed, int dim) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(seed, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 not available", e);
            }
            label = ("consentry-orthogonal-transform-v1/" + dim + "/").getBytes(StandardCharsets.UTF_8);
        }

        private double uniform() {
            if (next == 4) {
                mac.update(label);
                mac.update(ByteBuffer.allocate(8).putLong(counter++).array());
                ByteBuffer b = ByteBuffer.wrap(mac.doFinal());
                for (int i = 0; i < 4; i++) {
                    uniforms[i] = (b.getLong() >>> 11) * 0x1.0p-53; // [0, 1)
                }
                next = 0;
            }
            return uniforms[next++];
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u1 = 1.0 - uniform(); // (0, 1]
            double u2 = uniform();
            double r = Math.sqrt(-2 * Math.log(u1));
            spare = r * Math.sin(2 * Math.PI * u2);
            hasSpare = true;
            return r * Math.cos(2 * Math.PI * u2);
        }
    }
}
