package io.consentry.search;

import java.util.SplittableRandom;

/**
 * Deterministic synthetic face templates (unit vectors) for tests and benchmarks; every vector is a pure function
 * of the seed and its row or nonce, so a gallery of a million need not be kept in memory to be regenerated.
 *
 * <p>Two models:
 * <ul>
 *   <li>{@link #random(int, long)}: uniform on the unit sphere. Easy for search: dot products of unrelated vectors
 *       are centred on 0 with standard deviation 1/sqrt(dim), so neighbours are well separated.</li>
 *   <li>{@link #faceLike(int, int, long)}: clustered and anisotropic like real face descriptors. Summary statistics
 *       of 6,898 face-api.js descriptors of LFW images (measured once, not shipped): the mean descriptor has norm
 *       0.91 (all descriptors share one direction), cosine of unrelated pairs 0.84 +- 0.035, the top 10 principal
 *       directions carry 44% of the variance. Model: {@code normalise(mu + identity + noise)} with
 *       {@code |mu|^2 = 0.835}, Gaussian identity offsets (total variance 0.095) and per-sample noise (0.07), both
 *       with an eigen-spectrum decaying as {@code exp(-i / 18)} (top 10: 43%) in a random orthonormal basis. Result:
 *       unrelated cosine about 0.84 +- 0.035, same-identity cosine about 0.93. Search is hard here: everything is
 *       similar to everything, and the samples of one identity crowd the top of each result list.</li>
 * </ul>
 *
 * <pre>{@code
 * SyntheticTemplates gen = SyntheticTemplates.faceLike(128, 10_000, 42);
 * float[] t = gen.template(7);                  // row 7 of the gallery, identity 7 % 10_000
 * float[] probe = gen.probe(gen.identityOf(7), 1); // another sample of the same person
 * float[] stranger = gen.unknown(1);             // someone not enrolled
 * }</pre>
 */
public final class SyntheticTemplates {

    /** Variance of a face-like template around the shared mean direction (1 - |mu|^2). */
    public static final double TOTAL_VARIANCE = 0.165;
    /** Part of {@link #TOTAL_VARIANCE} that is between identities; the rest is per-sample noise. */
    public static final double IDENTITY_VARIANCE = 0.095;

    private final int dim;
    private final int identities;
    private final long seed;
    private final boolean faceLike;
    /** Per identity: mu + identity offset (not normalised). */
    private final float[] centres;
    /** Standard deviation of the per-sample noise along each principal direction. */
    private final double[] noiseSd;
    private final double[] identitySd;
    private final float[] mean;
    private final Rotation rotation;

    private SyntheticTemplates(int dim, int identities, long seed, boolean faceLike) {
        this.dim = dim;
        this.identities = identities;
        this.seed = seed;
        this.faceLike = faceLike;
        if (!faceLike) {
            centres = null;
            noiseSd = identitySd = null;
            mean = null;
            rotation = null;
            return;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        rotation = new Rotation(dim, rnd);
        double[] spectrum = new double[dim];
        double sum = 0;
        double tau = 18.0 * dim / 128;
        for (int i = 0; i < dim; i++) {
            spectrum[i] = Math.exp(-i / tau);
            sum += spectrum[i];
        }
        noiseSd = new double[dim];
        identitySd = new double[dim];
        for (int i = 0; i < dim; i++) {
            noiseSd[i] = Math.sqrt((TOTAL_VARIANCE - IDENTITY_VARIANCE) * spectrum[i] / sum);
            identitySd[i] = Math.sqrt(IDENTITY_VARIANCE * spectrum[i] / sum);
        }
        float[] m = randomUnit(rnd, dim);
        float muNorm = (float) Math.sqrt(1 - TOTAL_VARIANCE);
        for (int i = 0; i < dim; i++) {
            m[i] *= muNorm;
        }
        mean = m;
        centres = new float[identities * dim];
        for (int id = 0; id < identities; id++) {
            float[] c = identityCentre(new SplittableRandom(mix(seed, -1 - id)));
            System.arraycopy(c, 0, centres, id * dim, dim);
        }
    }

    /** Uniformly random unit vectors; {@link #template(long)} ignores identities. */
    public static SyntheticTemplates random(int dim, long seed) {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be at least 1");
        }
        return new SyntheticTemplates(dim, 1, seed, false);
    }

    /**
     * Face-like clustered templates: gallery row {@code r} is a sample of identity {@code r % identities}.
     *
     * @param dim a power of two (the random rotation is a fast Walsh-Hadamard transform)
     */
    public static SyntheticTemplates faceLike(int dim, int identities, long seed) {
        if (Integer.bitCount(dim) != 1) {
            throw new IllegalArgumentException("faceLike needs a power-of-two dimension, was " + dim);
        }
        if (identities < 1) {
            throw new IllegalArgumentException("identities must be at least 1");
        }
        return new SyntheticTemplates(dim, identities, seed, true);
    }

    public int dimension() {
        return dim;
    }

    /** Number of enrolled identities (1 for {@link #random}). */
    public int identities() {
        return identities;
    }

    public boolean isFaceLike() {
        return faceLike;
    }

    public int identityOf(long row) {
        return (int) Math.floorMod(row, (long) identities);
    }

    /** Gallery template of {@code row} (a pure function of the seed and the row). */
    public float[] template(long row) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, row));
        return faceLike ? sampleOf(identityOf(row), rnd) : randomUnit(rnd, dim);
    }

    /** A fresh sample of an enrolled identity, different for each {@code nonce} (uniform random if not face-like). */
    public float[] probe(int identity, long nonce) {
        SplittableRandom rnd = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, nonce));
        return faceLike ? sampleOf(identity, rnd) : randomUnit(rnd, dim);
    }

    /** A sample of an identity that is not enrolled (uniform random if not face-like). */
    public float[] unknown(long nonce) {
        SplittableRandom rnd = new SplittableRandom(mix(seed ^ 0xBB67AE8584CAA73BL, nonce));
        if (!faceLike) {
            return randomUnit(rnd, dim);
        }
        float[] c = identityCentre(rnd);
        addNoiseAndNormalise(c, rnd);
        return c;
    }

    /** A uniformly random unit vector. */
    public static float[] randomUnit(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        double n;
        do {
            n = 0;
            for (int i = 0; i < dim; i++) {
                v[i] = (float) rnd.nextGaussian();
                n += (double) v[i] * v[i];
            }
        } while (n == 0);
        return normalise(v);
    }

    /**
     * {@code v} plus isotropic Gaussian noise of total norm about {@code sigma}, normalised: the cosine to {@code v}
     * is about {@code 1 / sqrt(1 + sigma^2)} (0.98 for sigma 0.2).
     */
    public static float[] noisyCopy(float[] v, double sigma, SplittableRandom rnd) {
        float[] c = v.clone();
        double sd = sigma / Math.sqrt(v.length);
        for (int i = 0; i < c.length; i++) {
            c[i] += (float) (rnd.nextGaussian() * sd);
        }
        return normalise(c);
    }

    /** Scales {@code v} to unit length in place (in double, so the float result has norm 1 within ~1e-7). */
    public static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        n = Math.sqrt(n);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / n);
        }
        return v;
    }

    private float[] identityCentre(SplittableRandom rnd) {
        double[] z = new double[dim];
        for (int i = 0; i < dim; i++) {
            z[i] = rnd.nextGaussian() * identitySd[i];
        }
        rotation.apply(z);
        float[] c = new float[dim];
        for (int i = 0; i < dim; i++) {
            c[i] = (float) (mean[i] + z[i]);
        }
        return c;
    }

    private float[] sampleOf(int identity, SplittableRandom rnd) {
        if (identity < 0 || identity >= identities) {
            throw new IllegalArgumentException("identity " + identity + " outside [0, " + identities + ")");
        }
        float[] v = new float[dim];
        System.arraycopy(centres, identity * dim, v, 0, dim);
        addNoiseAndNormalise(v, rnd);
        return v;
    }

    private void addNoiseAndNormalise(float[] v, SplittableRandom rnd) {
        double[] z = new double[dim];
        for (int i = 0; i < dim; i++) {
            z[i] = rnd.nextGaussian() * noiseSd[i];
        }
        rotation.apply(z);
        for (int i = 0; i < dim; i++) {
            v[i] += (float) z[i];
        }
        normalise(v);
    }

    private static long mix(long seed, long x) {
        long z = seed * 0x9E3779B97F4A7C15L + x * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A random orthonormal transform in O(d log d): three rounds of random sign flips followed by a normalised
     * Walsh-Hadamard transform (each round is orthogonal, so is the product).
     */
    private static final class Rotation {
        private final boolean[][] flips;

        Rotation(int dim, SplittableRandom rnd) {
            flips = new boolean[3][dim];
            for (boolean[] f : flips) {
                for (int i = 0; i < dim; i++) {
                    f[i] = rnd.nextBoolean();
                }
            }
        }

        void apply(double[] x) {
            double scale = 1 / Math.sqrt(x.length);
            for (boolean[] f : flips) {
                for (int i = 0; i < x.length; i++) {
                    if (f[i]) {
                        x[i] = -x[i];
                    }
                }
                for (int h = 1; h < x.length; h <<= 1) {
                    for (int i = 0; i < x.length; i += h << 1) {
                        for (int j = i; j < i + h; j++) {
                            double a = x[j];
                            double b = x[j + h];
                            x[j] = a + b;
                            x[j + h] = a - b;
                        }
                    }
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] *= scale;
                }
            }
        }
    }
}
