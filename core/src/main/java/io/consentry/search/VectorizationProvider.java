package io.consentry.search;

import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the {@link VectorUtilSupport} once per JVM: the Vector API kernels when the incubating module
 * {@code jdk.incubator.vector} is in the boot layer (start the JVM with {@code --add-modules jdk.incubator.vector}),
 * otherwise the scalar kernels. The choice and, on fallback, the reason are logged once via
 * {@code java.util.logging} (logger {@code io.consentry.search}).
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default) or {@code scalar} (force the fallback, e.g. to
 * measure it).
 *
 * <p>Internal: not part of the public API.
 */
final class VectorizationProvider {

    static final String PROPERTY = "consentry.vectorization";

    private static final Logger LOG = Logger.getLogger("io.consentry.search");
    private static final String MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "io.consentry.search.PanamaVectorUtilSupport";

    private VectorizationProvider() {
    }

    /** The implementation chosen for this JVM (initialised on first use, thread-safe by the holder idiom). */
    static VectorUtilSupport get() {
        return Holder.INSTANCE;
    }

    /** The Vector API kernels if they can be loaded in this JVM, regardless of {@value #PROPERTY}; for tests. */
    static Optional<VectorUtilSupport> panama() {
        try {
            return Optional.of(loadPanama());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final class Holder {
        static final VectorUtilSupport INSTANCE = choose(System.getProperty(PROPERTY, "auto"),
                ModuleLayer.boot().findModule(MODULE).isPresent());
    }

    /**
     * The choice for a {@value #PROPERTY} value and whether the module is in the boot layer, logged once per call
     * (package-private for tests).
     */
    static VectorUtilSupport choose(String property, boolean modulePresent) {
        String mode = property.trim().toLowerCase(Locale.ROOT);
        if (mode.equals("scalar")) {
            LOG.info(() -> "vector search math: scalar (forced by -D" + PROPERTY + "=scalar)");
            return ScalarVectorUtilSupport.INSTANCE;
        }
        if (!mode.equals("auto")) {
            LOG.warning(() -> "ignoring unknown -D" + PROPERTY + "=" + mode + " (expected auto or scalar)");
        }
        if (!modulePresent) {
            LOG.info(() -> "vector search math: scalar, because module " + MODULE + " is not loaded; start the JVM"
                    + " with --add-modules " + MODULE + " for SIMD dot products (measured 2x faster for float, 8x for int8;"
                    + " without them QuantizedIndex scans exactly, like FlatIndex)");
            return ScalarVectorUtilSupport.INSTANCE;
        }
        try {
            VectorUtilSupport impl = loadPanama();
            LOG.fine(() -> "vector search math: " + impl.name());
            return impl;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.log(Level.INFO, "vector search math: scalar, because the Vector API implementation could not be"
                    + " used: " + cause);
            return ScalarVectorUtilSupport.INSTANCE;
        }
    }

    private static VectorUtilSupport loadPanama() throws ReflectiveOperationException {
        // Reflection keeps this class (and everything that uses VectorUtil) free of links to jdk.incubator.vector.
        Class<?> type = Class.forName(PANAMA_CLASS, true, VectorizationProvider.class.getClassLoader());
        return (VectorUtilSupport) type.getDeclaredConstructor().newInstance();
    }
}
