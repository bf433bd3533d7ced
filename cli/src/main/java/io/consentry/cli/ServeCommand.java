package io.consentry.cli;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.GalleryServiceOptions;
import io.consentry.server.ConsentryServer;
import io.consentry.server.Routes;
import io.consentry.server.ServerOptions;
import io.consentry.store.IssuedApiKey;
import io.consentry.store.SqliteGalleryStore;
import io.consentry.store.crypto.DeploymentKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code consentry serve [--port 8080] [--bind 127.0.0.1] [--home DIR] [--pack DIR]}: the REST API under
 * {@code /api/v1} until SIGTERM or Ctrl-C.
 *
 * <p>Opens the engine (installing the default model pack on first use, like every engine command), the gallery
 * {@code HOME/gallery.db} with the deployment keys from {@code CONSENTRY_KEY} or {@code HOME/keys/deployment.key}
 * (created on first start), and the {@link GalleryService}. On the first start, when no API key exists yet, it
 * creates an admin key and prints its secret <b>once</b> to standard output (never to a log). On shutdown it closes
 * the server (letting running requests finish), the service with its store, and the engine, in that order.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json, Prometheus metrics at /metrics) until SIGTERM or Ctrl-C.",
                "On the first start, prints a new admin API key once."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port = ServerOptions.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Interface to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 = all interfaces, put TLS in front).")
    String bind = ServerOptions.DEFAULT_BIND;

    @Option(names = "--max-request-mb", paramLabel = "MB", description = "Largest request body (default ${DEFAULT-VALUE} MB).")
    int maxRequestMb = (int) (ServerOptions.DEFAULT_MAX_REQUEST_BYTES >> 20);

    @Option(names = "--inference-permits", paramLabel = "N",
            description = "Detections/embeddings run at once (default: one per processor).")
    Integer permits;

    @Option(names = "--inference-queue", paramLabel = "N",
            description = "Inference requests allowed to wait; beyond, 429 Too Many Requests (default 4 x permits).")
    Integer queue;

    @Option(names = "--timeout-seconds", paramLabel = "S", description = "Time limit of an inference request; beyond, 503 (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 30;

    @Mixin
    EngineArgs engineArgs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxRequestMb < 1 || maxRequestMb > 1024) {
            throw new IllegalArgumentException("--max-request-mb must be 1..1024");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout-seconds must be at least 1");
        }
        ServerOptions.Builder ob = ServerOptions.builder().optPort(port).optBindAddress(bind).optMaxRequestBytes((long) maxRequestMb << 20)
                .optRequestTimeout(Duration.ofSeconds(timeoutSeconds));
        if (permits != null) {
            ob.optInferencePermits(permits);
        }
        if (queue != null) {
            ob.optInferenceQueue(queue);
        }
        Path home = engineArgs.home();
        ob.optWorkDir(home.resolve("jobs"));
        ServerOptions options = ob.build();

        FaceEngine engine = engineArgs.open(err);
        GalleryService gallery = null;
        ConsentryServer server;
        try {
            SqliteGalleryStore store = SqliteGalleryStore.open(home.resolve(SqliteGalleryStore.DEFAULT_FILE_NAME),
                    DeploymentKeys.loadOrCreate(home, System.getenv()));
            try {
                gallery = new GalleryService(store, engine, GalleryServiceOptions.defaults());
            } catch (Exception e) {
                store.close();
                throw e;
            }
            if (gallery.store().apiKeys().isEmpty()) {
                IssuedApiKey admin = gallery.bootstrapAdmin("first admin");
                out.println("consentry: created the first admin API key (id " + admin.key().id() + "). Its secret is shown ONCE, here,");
                out.println("and is not stored anywhere (the server keeps only its hash); keep it safe:");
                out.println();
                out.println("    " + admin.secret());
                out.println();
                out.println("Send it as 'X-API-Key: <secret>' (or 'Authorization: Bearer <secret>'); create keys for the other roles");
                out.println("with POST /api/v1/api-keys.");
                out.flush();
            }
            server = ConsentryServer.start(gallery, engine, options);
        } catch (Exception | Error e) {
            if (gallery != null) {
                gallery.close();
            }
            engine.close();
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        GalleryService g = gallery;
        Thread hook = new Thread(() -> {
            try {
                err.println("consentry: stopping");
                err.flush();
                server.close();
                try {
                    g.close();
                } catch (Exception e) {
                    err.println("consentry: closing the gallery failed: " + e.getMessage());
                }
                engine.close();
            } finally {
                stopped.countDown();
            }
        }, "consentry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("consentry: serving " + server.url() + Routes.API + " (OpenAPI: " + server.url() + Routes.API
                + "/openapi.json, metrics: " + server.url() + "/metrics); gallery " + home.resolve(SqliteGalleryStore.DEFAULT_FILE_NAME)
                + "; Ctrl-C or SIGTERM stops");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
