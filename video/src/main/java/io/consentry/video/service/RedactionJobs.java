package io.consentry.video.service;

import io.consentry.ConsentryException;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.Actor;
import io.consentry.governance.GalleryService;
import io.consentry.governance.Permission;
import io.consentry.store.ConflictException;
import io.consentry.store.GalleryException;
import io.consentry.store.NotFoundException;
import io.consentry.video.io.VideoWriter;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.redact.FaceSparer;
import io.consentry.video.redact.RedactionReport;
import io.consentry.video.redact.RedactionStyle;
import io.consentry.video.redact.VideoRedactor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Video redaction jobs for the service: an uploaded video is redacted in the background, one job at a time (two
 * would only share the same cores), with progress readable while it runs. Files live in a private folder
 * ({@code rwx------}); a job's input is deleted when the job ends and its output after {@link #RETENTION} or when the
 * job is deleted. Only the key that created a job can read it or its result. Thread-safe.
 */
public final class RedactionJobs implements AutoCloseable {
    /** How long a finished job's output is kept. */
    public static final Duration RETENTION = Duration.ofHours(1);
    /** Jobs waiting or running at once. */
    public static final int MAX_PENDING = 4;

    /** State of a job, as the API reports it. */
    public record JobInfo(String id, String state, long framesDone, long framesTotal, double progress, String phase, Optional<String> error,
                          Optional<RedactionReport> report, Instant createdAt) {
    }

    private final FaceEngine engine;
    private final GalleryService gallery;
    private final Path dir;
    private final ThreadPoolExecutor worker;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public RedactionJobs(FaceEngine engine, GalleryService gallery, Path dir) throws IOException {
        this.engine = engine;
        this.gallery = gallery;
        this.dir = dir;
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_PENDING), r -> {
            Thread t = new Thread(r, "consentry-redaction-job");
            t.setDaemon(true);
            return t;
        });
    }

    private record Progress(String phase, long done, long total) {
    }

    private final class Job {
        final String id;
        final String owner;
        final Path input;
        final Path output;
        final Instant createdAt = Instant.now();
        volatile String state = "queued";
        /** Phase and counts together, so a reader never sees a new phase with the old phase's counts. */
        volatile Progress progress = new Progress("queued", 0, 0);
        volatile String error;
        volatile RedactionReport report;
        volatile Instant finishedAt;
        Future<?> future;

        Job(String id, String owner, Path input, Path output) {
            this.id = id;
            this.owner = owner;
            this.input = input;
            this.output = output;
        }

        JobInfo info() {
            Progress pr = progress;
            String st = state;
            double p;
            if ("done".equals(st)) {
                p = 1;
            } else if (pr.total() <= 0) {
                p = "encode".equals(pr.phase()) ? 0.5 : 0;
            } else {
                double f = Math.min(1, pr.done() / (double) pr.total());
                p = "encode".equals(pr.phase()) ? 0.5 + f / 2 : f / 2; // two passes of equal frame counts
            }
            return new JobInfo(id, st, pr.done(), pr.total(), Math.round(p * 1000) / 1000.0, pr.phase(), Optional.ofNullable(error),
                    Optional.ofNullable(report), createdAt);
        }
    }

    /** A private temporary file for an upload, in the jobs folder; the caller streams the body into it. */
    public Path newUploadFile(String extension) throws IOException {
        return Files.createTempFile(dir, "upload-", "." + extension);
    }

    /**
     * Queues a redaction of {@code upload} (moved into the job; deleted when the job ends). The output keeps the
     * input's container when this build can write it, else becomes mp4.
     *
     * @throws ConflictException when {@link #MAX_PENDING} jobs are waiting already
     */
    public JobInfo submit(Actor actor, Path upload, String originalName, RedactionStyle style, TrackingPass.Options options) throws GalleryException {
        gallery.checkPermission(actor, Permission.REDACT);
        purgeExpired();
        String id = HexFormat.of().formatHex(bytes(8));
        String ext = extension(originalName);
        Path out = dir.resolve("job-" + id + "-redacted." + (VideoWriter.isVideoExtension(Path.of("x." + ext)) ? ext : "mp4"));
        Job job = new Job(id, actor.id(), upload, out);
        synchronized (jobs) {
            jobs.put(id, job);
        }
        try {
            job.future = worker.submit(() -> run(actor, job, originalName, style, options));
        } catch (RejectedExecutionException e) {
            synchronized (jobs) {
                jobs.remove(id);
            }
            deleteQuietly(upload);
            throw new ConflictException("too many redaction jobs waiting (" + MAX_PENDING + "); try again later");
        }
        return job.info();
    }

    private void run(Actor actor, Job job, String originalName, RedactionStyle style, TrackingPass.Options options) {
        job.state = "running";
        try {
            String sha = sha256(job.input);
            RedactionReport r = new VideoRedactor(new FrameDetector(engine, options.tileSide()), style, options)
                    .redact(job.input, job.output, FaceSparer.NOBODY, (phase, done, total) -> job.progress = new Progress(phase, done, total));
            job.report = new RedactionReport(originalName, "redacted-" + originalName, r.style(), r.width(), r.height(), r.frameRate(), r.frames(),
                    r.redactedFaceFrames(), r.tracks(), r.sparedTracks(), r.audioKept(), r.changes(), r.millis());
            gallery.recordRedaction(actor, sha, String.format(Locale.ROOT, "job %s: %d frames, %d face-frames redacted, %d tracks", job.id, r.frames(),
                    r.redactedFaceFrames(), r.tracks().size()));
            job.state = "done";
        } catch (ConsentryException e) {
            // never show the server's folders: name the file as the user did
            String m = String.valueOf(e.getMessage()).replace(job.input.toString(), originalName)
                    .replace(job.output.toString(), "the output").replace(dir.toString(), "");
            job.error = m;
            job.state = "failed";
        } catch (Exception | Error e) {
            job.error = "internal error: " + e.getClass().getSimpleName();
            job.state = "failed";
        } finally {
            job.finishedAt = Instant.now();
            deleteQuietly(job.input);
        }
    }

    /** A job of the caller (operator). */
    public JobInfo get(Actor actor, String id) throws GalleryException {
        return job(actor, id).info();
    }

    /** The caller's jobs, newest first. */
    public List<JobInfo> list(Actor actor) throws GalleryException {
        gallery.checkPermission(actor, Permission.REDACT);
        synchronized (jobs) {
            List<JobInfo> out = new ArrayList<>();
            for (Job j : jobs.values()) {
                if (j.owner.equals(actor.id())) {
                    out.add(j.info());
                }
            }
            out.sort(Comparator.comparing(JobInfo::createdAt).reversed());
            return out;
        }
    }

    /** The finished output file and the name to offer for download. */
    public record Result(Path file, String downloadName) {
    }

    public Result result(Actor actor, String id) throws GalleryException {
        Job j = job(actor, id);
        if (!"done".equals(j.state)) {
            throw new ConflictException("job " + id + " is " + j.state + (j.error != null ? ": " + j.error : ""));
        }
        if (!Files.exists(j.output)) {
            throw new NotFoundException("the output of job " + id + " has expired");
        }
        return new Result(j.output, j.report.output());
    }

    /** Cancels (if running) and deletes a job and its files. */
    public void delete(Actor actor, String id) throws GalleryException {
        Job j = job(actor, id);
        if (j.future != null) {
            j.future.cancel(true);
        }
        synchronized (jobs) {
            jobs.remove(id);
        }
        deleteQuietly(j.input);
        deleteQuietly(j.output);
    }

    private Job job(Actor actor, String id) throws GalleryException {
        gallery.checkPermission(actor, Permission.REDACT);
        synchronized (jobs) {
            Job j = jobs.get(id);
            if (j == null || !j.owner.equals(actor.id())) {
                throw new NotFoundException("no redaction job '" + id + "'");
            }
            return j;
        }
    }

    private void purgeExpired() {
        Instant cutoff = Instant.now().minus(RETENTION);
        synchronized (jobs) {
            jobs.values().removeIf(j -> {
                if (j.finishedAt != null && j.finishedAt.isBefore(cutoff)) {
                    deleteQuietly(j.output);
                    return true;
                }
                return false;
            });
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String extension(String name) {
        if (name == null) {
            return "mp4";
        }
        int dot = name.lastIndexOf('.');
        String e = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return e.matches("[a-z0-9]{1,5}") ? e : "mp4";
    }

    static String sha256(Path p) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // left for the next start's cleanup
        }
    }

    /** Stops the worker and deletes every job file. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (jobs) {
            for (Job j : jobs.values()) {
                deleteQuietly(j.input);
                deleteQuietly(j.output);
            }
            jobs.clear();
        }
        try (var s = Files.list(dir)) {
            s.forEach(RedactionJobs::deleteQuietly);
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
