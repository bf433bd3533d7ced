package io.consentry.embed;

import java.util.Objects;

/**
 * A face descriptor: an L2-normalised vector (unit length) and the id of the model pack that produced it.
 * Descriptors from different packs are not comparable. Compare with {@link #similarity}: cosine similarity in
 * [-1, 1], higher = more similar.
 */
public record Embedding(String modelId, float[] vector) {
    public Embedding {
        Objects.requireNonNull(modelId);
        Objects.requireNonNull(vector);
    }

    /** Cosine similarity (a dot product, since both are unit vectors). */
    public double similarity(Embedding other) {
        if (!modelId.equals(other.modelId)) {
            throw new IllegalArgumentException("descriptors from different models cannot be compared: " + modelId + " vs " + other.modelId);
        }
        if (vector.length != other.vector.length) {
            throw new IllegalArgumentException("descriptor lengths differ: " + vector.length + " vs " + other.vector.length);
        }
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += vector[i] * other.vector[i];
        }
        return dot;
    }

    /** Euclidean distance between the unit vectors: {@code sqrt(2 - 2 * similarity)}. */
    public double distance(Embedding other) {
        return Math.sqrt(Math.max(0, 2 - 2 * similarity(other)));
    }

    /** Scales {@code v} to unit length in place and returns it. */
    public static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / n);
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return "Embedding[" + modelId + ", dim=" + vector.length + "]"; // never print the vector: it is biometric data
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && e.modelId.equals(modelId) && java.util.Arrays.equals(e.vector, vector);
    }

    @Override
    public int hashCode() {
        return modelId.hashCode() * 31 + java.util.Arrays.hashCode(vector);
    }
}
