package io.consentry.server;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.Actor;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The REST server: the {@link Routes route table} under {@code /api/v1} on Javalin (Jetty), in front of a
 * {@link GalleryService}, and the web console (static files from the classpath folder {@code /console}) at
 * {@code /}.
 *
 * <pre>{@code
 * try (FaceEngine engine = FaceEngine.open();
 *      GalleryService gallery = new GalleryService(SqliteGalleryStore.openDefault(), engine, GalleryServiceOptions.defaults());
 *      ConsentryServer server = ConsentryServer.start(gallery, engine, ServerOptions.defaults())) {
 *     System.out.println("listening on " + server.url());
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <h2>Request pipeline</h2>
 * <ol>
 *   <li>{@code before}: request id ({@code X-Request-Id}), {@link #SECURITY_HEADERS}, in-flight count.</li>
 *   <li>{@code beforeMatched}: {@link AccessControl} — API key and the route's declared roles (401/403); console files
 *       are public.</li>
 *   <li>the route's handler: {@link Call} parses the body (size, type, JSON and image rules), the service is called
 *       (inference through the {@link InferenceGate}: 429 when full, 503 on timeout), the result is mapped to a
 *       {@link Dto} record.</li>
 *   <li>any exception → {@link ProblemMapper} → {@code application/problem+json} with a stable {@link ProblemCode}.</li>
 *   <li>request log line (method, path, status, duration, actor id, request id — never keys, bodies or query
 *       strings) and {@link Metrics}.</li>
 * </ol>
 *
 * <h2>Metrics</h2>
 * {@code GET /metrics} (Prometheus text) needs no key from a loopback address and a key of role admin or auditor from
 * anywhere else. The default bind address is {@code 127.0.0.1}; behind a reverse proxy on the same host every caller
 * looks local, so block {@code /metrics} at the proxy or bind the proxy to another address.
 *
 * <p>Thread-safe. {@link #close()} stops accepting requests, waits for running inference, and leaves the service and
 * the engine open (the caller owns them).
 */
public final class ConsentryServer implements AutoCloseable {
    /** The API version reported by {@code /health} and the OpenAPI document. */
    public static final String VERSION = "0.1.0";
    private static final Logger ACCESS = LoggerFactory.getLogger("io.consentry.server.access");
    private static final String STARTED = "consentry.started";
    /** Classpath folder of the web console, served at {@code /}. */
    static final String CONSOLE_DIR = "/console";
    /**
     * Sent with every response (console pages and API alike): scripts, styles and connections from this origin only, no
     * inline script, no framing, no MIME sniffing, no referrer; the camera only for this origin (console enrolment).
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; object-src 'none'; "
                    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY",
            "Permissions-Policy", "camera=(self), microphone=(), geolocation=()");

    private final Javalin app;
    private final Routes routes;
    private final VideoRoutes video;
    private final InferenceGate gate;
    private final Metrics metrics;
    private final ServerOptions options;
    private volatile boolean closed;

    private ConsentryServer(GalleryService gallery, FaceEngine engine, ServerOptions options) {
        this.options = options;
        this.gate = new InferenceGate(options.inferencePermits(), options.inferenceQueue(), options.requestTimeout());
        this.metrics = new Metrics();
        try {
            this.video = new VideoRoutes(gallery, engine, options.workDir().orElseGet(ConsentryServer::privateTempDir));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the redaction job folder: " + e.getMessage(), e);
        }
        this.routes = new Routes(gallery, engine, metrics::scrape, video.table());
        registerGauges(gallery);
        AccessControl access = new AccessControl(gallery);
        ProblemMapper problems = new ProblemMapper();
        long max = options.maxRequestBytes();
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = max;
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.multipartConfig.maxFileSize(max, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(max, SizeUnit.BYTES);
            // keep uploaded images in memory: biometric data never lands in a temporary file
            cfg.jetty.multipartConfig.maxInMemoryFileSize((int) max, SizeUnit.BYTES);
            cfg.requestLogger.http(this::finished);
            // the web console: plain HTML, CSS and JS modules from the jar, public (it asks for a key itself)
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = CONSOLE_DIR;
                files.location = Location.CLASSPATH;
                files.roles = Set.of(AccessControl.StaticFiles.CONSOLE);
                files.headers = Map.of("Cache-Control", "no-cache");
            });
        });
        app.before(this::started);
        app.beforeMatched(access::check);
        for (Route r : routes.all()) {
            app.addHttpHandler(r.method(), r.path(), ctx -> Routes.respond(ctx, r, r.action().handle(new Call(ctx, r, max, gate))),
                    new AccessControl.RouteRef(r));
        }
        app.exception(Exception.class, problems::handle);
        app.error(404, problems::handleStatus);
        app.error(405, problems::handleStatus);
    }

    /**
     * Starts a server on {@link ServerOptions#bindAddress()}:{@link ServerOptions#port()}.
     *
     * @param gallery the service (borrowed: not closed by the server)
     * @param engine  the engine the service uses (borrowed), for health and defaults
     */
    public static ConsentryServer start(GalleryService gallery, FaceEngine engine, ServerOptions options) {
        Objects.requireNonNull(gallery, "gallery");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(options, "options");
        ConsentryServer s = new ConsentryServer(gallery, engine, options);
        s.app.start(options.bindAddress(), options.port());
        return s;
    }

    private static java.nio.file.Path privateTempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("consentry-jobs-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The port listened on (the real one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** E.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = options.bindAddress().contains(":") ? "[" + options.bindAddress() + "]" : options.bindAddress();
        return "http://" + host + ":" + port();
    }

    /** The route table being served. */
    public Routes routes() {
        return routes;
    }

    public ServerOptions options() {
        return options;
    }

    private void registerGauges(GalleryService gallery) {
        metrics.register("consentry_inference_permits", "gauge", "Inference requests allowed to run at once.", gate::permits);
        metrics.register("consentry_inference_queue_capacity", "gauge", "Inference requests allowed to wait.", gate::maxQueue);
        metrics.register("consentry_inference_running", "gauge", "Inference requests running.", gate::running);
        metrics.register("consentry_inference_waiting", "gauge", "Inference requests waiting for a permit.", gate::waiting);
        metrics.register("consentry_inference_rejected_total", "counter", "Inference requests refused with 429 (queue full).", gate::rejected);
        metrics.register("consentry_inference_timeouts_total", "counter", "Inference requests answered 503 (time limit).", gate::timeouts);
        // an internal read of the store (no actor: a scrape is not a user's read of gallery data)
        metrics.register("consentry_gallery_collections", "gauge", "Collections in the gallery.", () -> {
            try {
                return gallery.store().collections().size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void started(Context ctx) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        ctx.attribute(ProblemMapper.REQUEST_ID, id);
        ctx.attribute(STARTED, System.nanoTime());
        ctx.header("X-Request-Id", id);
        SECURITY_HEADERS.forEach(ctx::header);
        metrics.started();
    }

    private void finished(Context ctx, Float ms) {
        Long t0 = ctx.attribute(STARTED);
        double seconds = t0 != null ? (System.nanoTime() - t0) / 1e9 : ms / 1000.0;
        Route route = ctx.attribute(AccessControl.ROUTE);
        String template = route != null ? route.path() : "unmatched";
        int status = ctx.statusCode();
        if (t0 != null) {
            metrics.finished(ctx.method().name(), template, status, seconds);
        }
        Actor actor = ctx.attribute(Call.ACTOR);
        ACCESS.info("{} {} {} {} ms actor={} request={}", ctx.method().name(), ctx.path(), status,
                String.format(java.util.Locale.ROOT, "%.1f", seconds * 1000), actor != null ? actor.id() : "-",
                ctx.attribute(ProblemMapper.REQUEST_ID) == null ? "-" : ctx.attribute(ProblemMapper.REQUEST_ID));
    }

    /** Stops accepting requests, lets running inference finish (up to the request timeout), and stops Jetty. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        video.close(); // stop watches first: their event streams end, so Jetty can stop
        app.stop();
        gate.shutdown(options.requestTimeout().plus(Duration.ofSeconds(1)));
    }
}
