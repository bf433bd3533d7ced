package io.consentry.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ConsentryServer}; build with {@link #builder()} (everything optional).
 *
 * <pre>{@code
 * ServerOptions o = ServerOptions.builder().optPort(8080).optInferencePermits(2).build();
 * }</pre>
 *
 * @param bindAddress      interface to listen on (default {@code 127.0.0.1}: loopback only; {@code 0.0.0.0} for all)
 * @param port             TCP port (default 8080; 0 = a free port, see {@link ConsentryServer#port()})
 * @param maxRequestBytes  largest request body accepted, JSON or multipart (default 20 MiB); larger → 413
 * @param inferencePermits detections/embeddings run at once (default: one per available processor)
 * @param inferenceQueue   requests allowed to wait for a permit (default 4 × permits); beyond → 429 with Retry-After
 * @param requestTimeout   longest an inference request may wait plus run (default 30 s); beyond → 503
 * @param workDir          private folder for video redaction jobs (uploads and outputs, deleted after use); default a
 *                         new temporary folder
 */
public record ServerOptions(String bindAddress, int port, long maxRequestBytes, int inferencePermits, int inferenceQueue,
                           Duration requestTimeout, java.util.Optional<java.nio.file.Path> workDir) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 20L << 20;

    public ServerOptions {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxRequestBytes < 1024 || maxRequestBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max request size must be 1 KiB..2 GiB, got " + maxRequestBytes);
        }
        if (inferencePermits < 1) {
            throw new IllegalArgumentException("inference permits must be at least 1, got " + inferencePermits);
        }
        if (inferenceQueue < 0) {
            throw new IllegalArgumentException("inference queue must be >= 0, got " + inferenceQueue);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(workDir, "workDir");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ServerOptions defaults() {
        return builder().build();
    }

    /** Builder: {@code opt*} methods set optional values. */
    public static final class Builder {
        private String bindAddress = DEFAULT_BIND;
        private int port = DEFAULT_PORT;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int inferencePermits = Runtime.getRuntime().availableProcessors();
        private Integer inferenceQueue;
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder optBindAddress(String a) {
            this.bindAddress = a;
            return this;
        }

        public Builder optPort(int p) {
            this.port = p;
            return this;
        }

        public Builder optMaxRequestBytes(long n) {
            this.maxRequestBytes = n;
            return this;
        }

        public Builder optInferencePermits(int n) {
            this.inferencePermits = n;
            return this;
        }

        public Builder optInferenceQueue(int n) {
            this.inferenceQueue = n;
            return this;
        }

        public Builder optRequestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        private java.nio.file.Path workDir;

        public Builder optWorkDir(java.nio.file.Path dir) {
            this.workDir = dir;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(bindAddress, port, maxRequestBytes, inferencePermits,
                    inferenceQueue != null ? inferenceQueue : 4 * inferencePermits, requestTimeout, java.util.Optional.ofNullable(workDir));
        }
    }
}
