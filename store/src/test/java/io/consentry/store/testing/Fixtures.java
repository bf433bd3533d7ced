package io.consentry.store.testing;

import io.consentry.store.Role;
import io.consentry.store.audit.AuditAction;
import io.consentry.store.audit.AuditEntry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Helpers for store tests: random unit descriptors, hashes, audit entries, byte searches. */
public final class Fixtures {
    private Fixtures() {
    }

    /** A random unit vector of {@code dim} components. */
    public static float[] unitVector(Random rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        n = Math.sqrt(n);
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (v[i] / n);
        }
        return v;
    }

    /** A unit vector close to {@code base} (cosine about 1 - noise²/2 · dim-ish). */
    public static float[] near(Random rnd, float[] base, double noise) {
        float[] v = new float[base.length];
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (base[i] + noise * rnd.nextGaussian());
            n += v[i] * v[i];
        }
        n = Math.sqrt(n);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / n);
        }
        return v;
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    public static double cos(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static AuditEntry audit(AuditAction action) {
        return AuditEntry.builder("test-actor", Role.ADMIN, action).build();
    }

    public static AuditEntry audit(String actor, Role role, AuditAction action) {
        return AuditEntry.builder(actor, role, action).build();
    }

    /** The float32 bytes of {@code v} in the given order. */
    public static byte[] floatBytes(float[] v, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** Whether {@code needle} occurs in {@code hay}. */
    public static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A slice of {@code b}. */
    public static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }
}
