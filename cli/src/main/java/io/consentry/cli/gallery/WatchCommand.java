package io.consentry.cli.gallery;

import io.consentry.store.Collection;
import io.consentry.store.GalleryException;
import io.consentry.store.Role;
import io.consentry.video.VideoJson;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReaderOptions;
import io.consentry.video.watch.GalleryRecognizer;
import io.consentry.video.watch.Recognizer;
import io.consentry.video.watch.SourceState;
import io.consentry.video.watch.WatchEvent;
import io.consentry.video.watch.WatchOptions;
import io.consentry.video.watch.WatchSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Optional;

/** {@code consentry watch SOURCE [--collection C] [--name NAME]} (operator): JSON-lines events on stdout. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Watch a video file, RTSP/HTTP stream or camera (/dev/video0): track faces and print JSON-lines events "
                + "(track-started, track-ended, candidate, stats, state) on stdout (operator).",
                "With --collection each confirmed track is identified once, and again only when a clearly better view appears; "
                        + "every search is audited with --name as its source. A watchlist needs an authorisation covering the "
                        + "collection and that source, and its hits are review candidates only.",
                "A dropped stream is reopened with backoff. Ends at the end of a file, on Ctrl-C, or when a stream cannot be "
                        + "reopened (--max-reconnects)."})
public final class WatchCommand extends GalleryCommand {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "Video file, rtsp:// or http(s):// URL, or /dev/videoN.")
    String source;

    @Option(names = "--collection", paramLabel = "C", description = "Identify tracks against this collection (id or name).")
    String collection;

    @Option(names = "--name", paramLabel = "NAME", description = "Source name for events, audit and authorisation scope (default: the file name or URL host).")
    String name;

    @Option(names = "--detect-every", paramLabel = "N", description = "Run the detector on every N-th frame (default ${DEFAULT-VALUE}).")
    int detectEvery = 2;

    @Option(names = "--tile", paramLabel = "PX", description = "Detector tile size for large frames, 0 for none (default ${DEFAULT-VALUE}).")
    int tile = io.consentry.video.pipeline.FrameDetector.DEFAULT_TILE;

    @Option(names = "--tracks", description = "Also print a 'tracks' event (boxes of all tracked faces) up to 5 times a second.")
    boolean tracks;

    @Option(names = "--max-reconnects", paramLabel = "N", description = "Give up after N failed reconnects in a row, -1 never (default ${DEFAULT-VALUE}).")
    int maxReconnects = -1;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Network read timeout (default ${DEFAULT-VALUE}).")
    int timeout = 10;

    public WatchCommand() {
        super(Role.OPERATOR);
    }

    @Override
    Integer offline() {
        engineArgs.preferOneThreadPerInference();
        return null;
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        SourceLocation loc;
        try {
            loc = SourceLocation.parse(source);
        } catch (IllegalArgumentException e) {
            err().println("consentry: " + e.getMessage());
            return GalleryExitCodes.USAGE;
        }
        String sourceName = name != null ? name : defaultName(loc);
        Optional<Recognizer> rec = Optional.empty();
        if (collection != null) {
            Collection c = ctx.collection(collection);
            rec = Optional.of(new GalleryRecognizer(ctx.service(), ctx.actor(), c.id(), sourceName));
        }
        WatchOptions opts = WatchOptions.defaults().withDetectEvery(detectEvery).withTileSide(tile)
                .withReconnect(Duration.ofSeconds(1), Duration.ofSeconds(30), maxReconnects)
                .withReader(VideoReaderOptions.defaults().withReadTimeout(Duration.ofSeconds(Math.max(1, timeout))));
        Object lock = new Object();
        WatchSession session = new WatchSession(sourceName, loc, ctx.engine(), rec, opts, e -> {
            if (e instanceof WatchEvent.Tracks && !tracks) {
                return;
            }
            try {
                String line = VideoJson.MAPPER.writerFor(WatchEvent.class).writeValueAsString(e);
                synchronized (lock) {
                    out().println(line);
                    out().flush();
                }
            } catch (Exception ex) {
                err().println("consentry: cannot write event: " + ex.getMessage());
            }
        });
        Thread hook = new Thread(session::close, "consentry-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.runHere();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
        if (session.state() == SourceState.FAILED) {
            Optional<io.consentry.ConsentryException> f = session.failure();
            if (f.isPresent() && f.get() instanceof GalleryException ge) {
                return fail(ge);
            }
            err().println("consentry: " + session.lastError().orElse("watch failed"));
            return GalleryExitCodes.BAD_INPUT;
        }
        return GalleryExitCodes.OK;
    }

    static String defaultName(SourceLocation loc) {
        String l = loc.location();
        if (loc.kind() == SourceLocation.Kind.FILE) {
            return java.nio.file.Path.of(l).getFileName().toString();
        }
        if (loc.kind() == SourceLocation.Kind.CAMERA) {
            return l;
        }
        try {
            java.net.URI u = java.net.URI.create(l);
            return u.getHost() != null ? u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") : SourceLocation.redactCredentials(l);
        } catch (IllegalArgumentException e) {
            return SourceLocation.redactCredentials(l);
        }
    }
}
