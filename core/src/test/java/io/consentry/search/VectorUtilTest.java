package io.consentry.search;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VectorUtilTest {

    /** Lengths around the vector widths (4, 8, 16 floats; 8, 16 bytes) and their 4x unrolled loops. */
    private static final int[] DIMS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128,
            129, 191, 255, 256, 257, 511, 512, 513, 1000};

    @Test
    void dotOfKnownValues() {
        assertEquals(32f, VectorUtil.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}));
        assertEquals(4f * 5 + 6 * 7, VectorUtil.dot(new float[] {9, 4, 6}, 1, new float[] {5, 7, 0}, 0, 2));
        assertEquals(0f, VectorUtil.dot(new float[0], new float[0]));
        assertEquals(-127 * 127 * 3 + 4, VectorUtil.dotInt8(new byte[] {-127, -127, -127, 2}, new byte[] {127, 127, 127, 2}));
        assertEquals(128 * 128 * 32, VectorUtil.dotInt8(filled(32, (byte) -128), filled(32, (byte) -128)));
    }

    @Test
    void checksLengthsNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorUtil.dot(new float[3], new float[4]));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorUtil.dotInt8(new byte[5], new byte[6]));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VectorUtil.dot(new float[10], 8, new float[300], 0, 4));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorUtil.dot(new float[10], -1, new float[10], 0, 4));
        assertThrows(IllegalArgumentException.class, () -> VectorUtil.dot(new float[10], 0, new float[10], 0, -1));
        assertThrows(IllegalArgumentException.class, () -> VectorUtil.dotInt8(new byte[8], 0, new byte[8], 5, 4));
    }

    @Test
    void scalarMatchesNaiveSums() {
        SplittableRandom rnd = new SplittableRandom(3);
        VectorUtilSupport scalar = ScalarVectorUtilSupport.INSTANCE;
        for (int dim : DIMS) {
            float[] a = SyntheticTemplates.randomUnit(rnd, dim);
            float[] b = SyntheticTemplates.randomUnit(rnd, dim);
            byte[] x = randomBytes(rnd, dim);
            byte[] y = randomBytes(rnd, dim);
            double fd = 0;
            int id = 0;
            for (int i = 0; i < dim; i++) {
                fd += (double) a[i] * b[i];
                id += x[i] * y[i];
            }
            assertEquals(fd, scalar.dot(a, 0, b, 0, dim), 1e-6, "dim " + dim);
            assertEquals(id, scalar.dotInt8(x, 0, y, 0, dim), "dim " + dim);
        }
    }

    @Test
    void simdEqualsScalar() {
        Optional<VectorUtilSupport> panama = VectorizationProvider.panama();
        assumeTrue(panama.isPresent(), "Vector API not available (run with --add-modules jdk.incubator.vector)");
        VectorUtilSupport simd = panama.get();
        VectorUtilSupport scalar = ScalarVectorUtilSupport.INSTANCE;
        SplittableRandom rnd = new SplittableRandom(4);
        for (int dim : DIMS) {
            for (int trial = 0; trial < 20; trial++) {
                int aOff = rnd.nextInt(5);
                int bOff = rnd.nextInt(37);
                float[] a = new float[aOff + dim + rnd.nextInt(3)];
                float[] b = new float[bOff + dim + rnd.nextInt(3)];
                System.arraycopy(SyntheticTemplates.randomUnit(rnd, dim), 0, a, aOff, dim);
                System.arraycopy(SyntheticTemplates.randomUnit(rnd, dim), 0, b, bOff, dim);
                assertEquals(scalar.dot(a, aOff, b, bOff, dim), simd.dot(a, aOff, b, bOff, dim), 1e-5,
                        "float dim " + dim + " offsets " + aOff + "," + bOff);

                byte[] x = randomBytes(rnd, aOff + dim);
                byte[] y = randomBytes(rnd, bOff + dim);
                assertEquals(scalar.dotInt8(x, aOff, y, bOff, dim), simd.dotInt8(x, aOff, y, bOff, dim),
                        "int8 dim " + dim + " offsets " + aOff + "," + bOff);
            }
            // extremes: every product at its maximum
            assertEquals(scalar.dotInt8(filled(dim, (byte) -128), 0, filled(dim, (byte) -128), 0, dim),
                    simd.dotInt8(filled(dim, (byte) -128), 0, filled(dim, (byte) -128), 0, dim));
            assertEquals(scalar.dotInt8(filled(dim, (byte) 127), 0, filled(dim, (byte) -128), 0, dim),
                    simd.dotInt8(filled(dim, (byte) 127), 0, filled(dim, (byte) -128), 0, dim));
        }
    }

    @Test
    void vectorApiIsUsedWhenTheModuleIsLoaded() {
        // Guards the surefire argLine / launcher flag: with the module present the SIMD kernels must be chosen.
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "module not loaded");
        assumeTrue(System.getProperty(VectorizationProvider.PROPERTY) == null, "implementation forced");
        assumeTrue(VectorizationProvider.panama().isPresent(), "Vector API unusable on this JVM");
        assertTrue(VectorUtil.isVectorized(), VectorUtil.implementationName());
    }

    @Test
    void fallbackIsScalarAndLogsWhy() {
        Logger log = Logger.getLogger("io.consentry.search");
        StringBuilder messages = new StringBuilder();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                    messages.append(r.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = log.getUseParentHandlers();
        log.setUseParentHandlers(false); // the two expected messages are checked here, not printed
        log.addHandler(h);
        try {
            assertSame(ScalarVectorUtilSupport.INSTANCE, VectorizationProvider.choose("auto", false));
            assertTrue(messages.toString().contains("--add-modules jdk.incubator.vector"), messages.toString());
            assertSame(ScalarVectorUtilSupport.INSTANCE, VectorizationProvider.choose("scalar", true));
            assertTrue(messages.toString().contains("forced"), messages.toString());
        } finally {
            log.removeHandler(h);
            log.setUseParentHandlers(parents);
        }
    }

    private static byte[] randomBytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, v);
        return b;
    }
}
