package io.consentry.server;

import io.consentry.engine.FaceEngine;
import io.consentry.governance.GalleryService;
import io.consentry.governance.Permission;
import io.consentry.image.BadImageException;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.store.ErrorCode;
import io.consentry.store.InvalidInputException;
import io.consentry.store.audit.AuditAction;
import io.consentry.video.VideoJson;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.redact.FaceSparer;
import io.consentry.video.redact.ImageRedactor;
import io.consentry.video.redact.RedactionReport;
import io.consentry.video.redact.RedactionStyle;
import io.consentry.video.service.RedactionJobs;
import io.consentry.video.service.SourceRegistry;
import io.consentry.video.watch.WatchEvent;
import io.consentry.video.watch.WatchOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

/**
 * The video routes: watched sources (add, list, state, latest frame, Server-Sent Events), image redaction, and video
 * redaction jobs with progress. Owns the {@link SourceRegistry} and {@link RedactionJobs}; {@link #close()} stops
 * them. Handlers only parse, call, and map to the records below.
 */
final class VideoRoutes implements AutoCloseable {
    /** Largest video upload for a redaction job (1 GiB). */
    static final long MAX_VIDEO_BYTES = 1L << 30;
    /** Keep-alive comment on an idle event stream, so proxies and Jetty's idle timeout keep it open. */
    static final long KEEPALIVE_MS = 10_000;

    private final GalleryService gallery;
    private final FaceEngine engine;
    private final SourceRegistry sources;
    private final RedactionJobs jobs;

    VideoRoutes(GalleryService gallery, FaceEngine engine, Path workDir) throws IOException {
        this.gallery = gallery;
        this.engine = engine;
        this.sources = new SourceRegistry(engine, gallery, WatchOptions.defaults());
        this.jobs = new RedactionJobs(engine, gallery, workDir);
    }

    // ---- DTOs (no Optional: absent fields are null and left out of the JSON)

    /** A watched source. {@code url} never shows a password. */
    public record SourceDto(String id, String name, String url, String collectionId, String state, long framesRead, double fps, int activeTracks,
                            long tracksStarted, long reconnects, String lastError, Instant addedAt, String addedBy) {
        static SourceDto of(SourceRegistry.SourceInfo s) {
            return new SourceDto(s.id(), s.name(), s.url(), s.collectionId().orElse(null), s.state(), s.framesRead(), s.fps(), s.activeTracks(),
                    s.tracksStarted(), s.reconnects(), s.lastError().orElse(null), s.addedAt(), s.addedBy());
        }
    }

    /**
     * Body of {@code POST /sources}.
     *
     * @param id           1-40 lower-case letters, digits or dashes; the source's name in audit records and watchlist
     *                     authorisation scopes (default: derived from {@code name})
     * @param name         display name
     * @param url          video file path on the server, rtsp:// or http(s):// URL, or /dev/videoN
     * @param collectionId identify confirmed tracks against this collection (optional)
     * @param detectEvery  detection interval in frames (optional, default 2)
     */
    public record AddSourceRequest(String id, String name, String url, String collectionId, Integer detectEvery) {
    }

    /** A redaction job. {@code progress} runs 0..1 over both passes (detect, then encode). */
    public record JobDto(String id, String state, String phase, long framesDone, long framesTotal, double progress, String error,
                         JobSummary result, Instant createdAt) {
        static JobDto of(RedactionJobs.JobInfo j) {
            return new JobDto(j.id(), j.state(), j.phase(), j.framesDone(), j.framesTotal(), j.progress(), j.error().orElse(null),
                    j.report().map(JobSummary::of).orElse(null), j.createdAt());
        }
    }

    /** What a finished job did (the full per-track log is in the CLI's --log). */
    public record JobSummary(long frames, long redactedFaceFrames, int tracks, boolean audioKept, List<String> changes, long millis) {
        static JobSummary of(RedactionReport r) {
            return new JobSummary(r.frames(), r.redactedFaceFrames(), r.tracks().size(), r.audioKept(), r.changes(), r.millis());
        }
    }

    /** Query parameters of the redaction routes. */
    public record RedactRequest() {
    }

    List<Route> table() {
        String api = Routes.API;
        return List.of(
                Route.secured("redactImage", POST, api + "/redact", Permission.REDACT, AuditAction.REDACT,
                                "Anonymise every face in an image; returns the redacted PNG (header X-Consentry-Faces-Redacted)", this::redactImage)
                        .image(RedactRequest.class).media("image/png").gated()
                        .query("mode", String.class, "blur (default), pixelate or fill")
                        .query("shape", String.class, "ellipse (default) or box")
                        .query("margin", Double.class, "grow each face box by this fraction on every side (default 0.25)"),
                Route.secured("createRedactionJob", POST, api + "/redaction-jobs", Permission.REDACT, AuditAction.REDACT,
                                "Queue a video redaction: the request body is the video file (any video content type); poll the job for progress",
                                this::createJob)
                        .returns(JobDto.class).status(202)
                        .query("name", String.class, "the file's name (its extension picks the output container)")
                        .query("mode", String.class, "blur (default), pixelate or fill")
                        .query("shape", String.class, "ellipse (default) or box")
                        .query("margin", Double.class, "grow each face box by this fraction on every side (default 0.25)")
                        .query("detectEvery", Integer.class, "run the detector on every n-th frame while tracks are settled (default 3)"),
                Route.secured("listRedactionJobs", GET, api + "/redaction-jobs", Permission.REDACT, AuditAction.READ,
                        "Your redaction jobs, newest first", c -> jobs.list(c.actor()).stream().map(JobDto::of).toList()).returnsList(JobDto.class),
                Route.secured("getRedactionJob", GET, api + "/redaction-jobs/{jobId}", Permission.REDACT, AuditAction.READ,
                        "State and progress of one of your jobs", c -> JobDto.of(jobs.get(c.actor(), c.path("jobId")))).returns(JobDto.class),
                Route.secured("getRedactionJobResult", GET, api + "/redaction-jobs/{jobId}/result", Permission.REDACT, AuditAction.READ,
                        "The redacted video of a finished job", this::jobResult).media("application/octet-stream"),
                Route.secured("deleteRedactionJob", DELETE, api + "/redaction-jobs/{jobId}", Permission.REDACT, AuditAction.REDACT,
                        "Cancel a job and delete its files", c -> {
                            jobs.delete(c.actor(), c.path("jobId"));
                            return null;
                        }).status(204),

                Route.secured("listSources", GET, api + "/sources", Permission.LIST_SOURCES, AuditAction.READ,
                        "Watched sources and their state", c -> sources.list(c.actor()).stream().map(SourceDto::of).toList()).returnsList(SourceDto.class),
                Route.secured("addSource", POST, api + "/sources", Permission.MANAGE_SOURCES, AuditAction.SOURCE_ADD,
                                "Start watching a source (file, RTSP, HTTP MJPEG, V4L2 camera)", this::addSource)
                        .json(AddSourceRequest.class).returns(SourceDto.class).status(201),
                Route.secured("getSource", GET, api + "/sources/{sourceId}", Permission.LIST_SOURCES, AuditAction.READ,
                        "One source's state and counters", c -> SourceDto.of(sources.get(c.actor(), c.path("sourceId")))).returns(SourceDto.class),
                Route.secured("removeSource", DELETE, api + "/sources/{sourceId}", Permission.MANAGE_SOURCES, AuditAction.SOURCE_REMOVE,
                        "Stop watching a source", c -> {
                            sources.remove(c.actor(), c.path("sourceId"));
                            return null;
                        }).status(204),
                Route.secured("sourceFrame", GET, api + "/sources/{sourceId}/frame.jpg", Permission.WATCH, AuditAction.READ,
                        "The most recently processed frame as JPEG (404 before the first frame)", this::frame).media("image/jpeg"),
                Route.secured("sourceEvents", GET, api + "/sources/{sourceId}/events", Permission.WATCH, AuditAction.READ,
                        "Server-Sent Events: state, tracks, track-started, track-ended, candidate, stats", this::events).media("text/event-stream"));
    }

    private RedactionStyle style(Call c) {
        try {
            return new RedactionStyle(RedactionStyle.Mode.parse(c.query("mode").orElse("blur")), RedactionStyle.Shape.parse(c.query("shape").orElse("ellipse")),
                    Double.parseDouble(c.query("margin").orElse("0.25")));
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "margin must be a number");
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemCode.INVALID_INPUT, e.getMessage());
        }
    }

    private Object redactImage(Call c) throws Exception {
        RedactionStyle style = style(c);
        Call.ImageRequest<RedactRequest> req = c.image(RedactRequest.class);
        byte[] bytes = ((io.consentry.governance.ImageInput.Encoded) req.image()).bytes();
        RgbImage img;
        try {
            img = ImageDecoder.decode(bytes, "image", engine.options().imageLimits());
        } catch (BadImageException e) {
            throw new InvalidInputException(ErrorCode.BAD_IMAGE, e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        ImageRedactor redactor = new ImageRedactor(new FrameDetector(engine, FrameDetector.DEFAULT_TILE, true), style);
        ImageRedactor.Result r = c.infer(() -> redactor.redact(img, FaceSparer.NOBODY));
        gallery.recordRedaction(c.actor(), sha256Hex(bytes), String.format(Locale.ROOT, "image %dx%d: %d faces redacted (%s, %s) in %d ms",
                img.width(), img.height(), r.redacted().size(), style.mode().json(), style.shape().json(), (System.nanoTime() - t0) / 1_000_000));
        byte[] png = ImageRedactor.png(r.image());
        c.ctx().header("X-Consentry-Faces-Redacted", Integer.toString(r.redacted().size()));
        c.ctx().header("Cache-Control", "no-store");
        return (Routes.Streamed) out -> out.write(png);
    }

    private Object createJob(Call c) throws Exception {
        RedactionStyle style = style(c);
        String name = c.query("name").orElse("upload.mp4");
        if (name.length() > 200 || name.contains("/") || name.contains("\\")) {
            throw new ProblemException(ProblemCode.INVALID_INPUT, "name must be a plain file name of at most 200 characters");
        }
        int every = (int) c.queryLong("detectEvery", TrackingPass.Options.defaults().detectEvery(), 1, 100);
        String media = Optional.ofNullable(c.ctx().contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (media.startsWith("multipart/") || media.startsWith("application/json") || media.startsWith("text/") || media.startsWith("image/")) {
            throw new ProblemException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "send the video file itself as the request body (video/* or "
                    + "application/octet-stream), got " + media);
        }
        long declared = c.ctx().contentLength();
        if (declared > MAX_VIDEO_BYTES) {
            throw new ProblemException(ProblemCode.PAYLOAD_TOO_LARGE, "videos are limited to " + (MAX_VIDEO_BYTES >> 20) + " MiB");
        }
        gallery.checkPermission(c.actor(), Permission.REDACT);
        Path upload = jobs.newUploadFile(extensionOf(name));
        boolean handedOver = false;
        try {
            long n = 0;
            try (InputStream in = c.ctx().req().getInputStream(); OutputStream out = Files.newOutputStream(upload)) {
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) {
                    n += r;
                    if (n > MAX_VIDEO_BYTES) {
                        throw new ProblemException(ProblemCode.PAYLOAD_TOO_LARGE, "videos are limited to " + (MAX_VIDEO_BYTES >> 20) + " MiB");
                    }
                    out.write(buf, 0, r);
                }
            }
            if (n == 0) {
                throw new ProblemException(ProblemCode.INVALID_INPUT, "the request body is empty: send the video file");
            }
            TrackingPass.Options opts = TrackingPass.Options.defaults().withDetectEvery(every);
            JobDto dto = JobDto.of(jobs.submit(c.actor(), upload, name, style, opts));
            handedOver = true;
            return dto;
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(upload);
            }
        }
    }

    private static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        String e = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return e.matches("[a-z0-9]{1,5}") ? e : "bin";
    }

    private Object jobResult(Call c) throws Exception {
        RedactionJobs.Result r = jobs.result(c.actor(), c.path("jobId"));
        String safe = r.downloadName().replaceAll("[^A-Za-z0-9._-]", "_");
        c.ctx().header("Content-Disposition", "attachment; filename=\"" + safe + "\"");
        c.ctx().header("Cache-Control", "no-store");
        long size = Files.size(r.file());
        return (Routes.Streamed) ignored -> {
            // straight to Jetty, uncompressed: a video does not shrink, and the length must match what is sent
            c.ctx().res().setContentType("application/octet-stream");
            c.ctx().res().setContentLengthLong(size);
            try (OutputStream out = c.ctx().res().getOutputStream()) {
                Files.copy(r.file(), out);
            }
        };
    }

    private Object addSource(Call c) throws Exception {
        AddSourceRequest req = c.json(AddSourceRequest.class);
        if (req == null || req.url() == null || (req.id() == null && req.name() == null)) {
            throw new ProblemException(ProblemCode.INVALID_INPUT, "url and a name (or id) are required");
        }
        String id = req.id() != null ? req.id() : SourceRegistry.SourceSpec.idFrom(req.name());
        String name = req.name() != null ? req.name().strip() : id;
        return SourceDto.of(sources.add(c.actor(), new SourceRegistry.SourceSpec(id, name, req.url(), Optional.ofNullable(req.collectionId()),
                Optional.ofNullable(req.detectEvery()))));
    }

    private Object frame(Call c) throws Exception {
        byte[] jpeg = sources.latestJpeg(c.actor(), c.path("sourceId"))
                .orElseThrow(() -> new ProblemException(ProblemCode.NOT_FOUND, "no frame yet from source '" + c.path("sourceId") + "'"));
        c.ctx().header("Cache-Control", "no-store");
        return (Routes.Streamed) out -> out.write(jpeg);
    }

    private Object events(Call c) throws Exception {
        SourceRegistry.Subscription sub = sources.subscribe(c.actor(), c.path("sourceId"));
        c.ctx().header("Cache-Control", "no-store");
        c.ctx().header("X-Accel-Buffering", "no");
        return (Routes.Streamed) ignored -> {
            // straight to Jetty: Javalin's output stream may hold small writes back while it decides on compression
            c.ctx().res().setContentType("text/event-stream;charset=utf-8");
            OutputStream out = c.ctx().res().getOutputStream();
            try (sub) {
                out.write(": consentry events\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                while (!sub.ended()) {
                    Optional<WatchEvent> e = sub.next(KEEPALIVE_MS);
                    String chunk = e.isPresent()
                            ? "event: " + e.get().eventName() + "\ndata: " + VideoJson.MAPPER.writerFor(WatchEvent.class).writeValueAsString(e.get()) + "\n\n"
                            : ": keep-alive\n\n";
                    out.write(chunk.getBytes(StandardCharsets.UTF_8));
                    out.flush(); // an IOException here means the client went away: the subscription closes
                }
            } catch (IOException | InterruptedException gone) {
                // client disconnected or server stopping
            }
        };
    }

    @Override
    public void close() {
        sources.close();
        jobs.close();
    }

    /** SHA-256 of bytes as hex (audit records hash inputs as received). */
    private static String sha256Hex(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
