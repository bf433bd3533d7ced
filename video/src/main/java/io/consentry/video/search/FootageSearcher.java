package io.consentry.video.search;

import io.consentry.ConsentryException;
import io.consentry.embed.Embedding;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.governance.FootageSearch;
import io.consentry.governance.ImageInput;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;
import io.consentry.video.pipeline.FrameDetector;
import io.consentry.video.pipeline.ProgressListener;
import io.consentry.video.pipeline.TrackPlan;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.redact.ImageRedactor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds where one enrolled subject appears in a video file: tracks every face ({@link TrackingPass}), embeds each
 * track's best view once, compares it with the subject's templates through a granted {@link FootageSearch} (which
 * checked purpose, role and, for a watchlist, the authorisation's scope), and merges the matching tracks' time spans
 * into segments. Optionally writes a JPEG thumbnail of the best matching face per segment.
 */
public final class FootageSearcher {
    /**
     * A time range in which the subject appears.
     *
     * @param status    {@code match}, or {@code review-candidate} for a watchlist (then unconfirmed until reviewed)
     * @param thumbnail the JPEG written for this segment, if a thumbnail folder was given
     */
    public record Segment(double startSecond, double endSecond, long firstFrame, long lastFrame, double similarity, String status,
                          List<Long> trackIds, Optional<Path> thumbnail) {
    }

    /** The search outcome; {@code reviewCaseId} is set for a watchlist with segments. */
    public record Result(String source, String subjectId, double threshold, long frames, int tracks, List<Segment> segments,
                         Optional<String> reviewCaseId) {
    }

    private final FaceEngine engine;
    private final FrameDetector detector;
    private final TrackingPass.Options options;

    public FootageSearcher(FaceEngine engine, TrackingPass.Options options) {
        this.engine = engine;
        this.detector = new FrameDetector(engine, options.tileSide());
        this.options = options;
    }

    /**
     * Searches {@code video}; {@code grant} is finished (audited) before returning, also when the search fails.
     *
     * @param thumbnails folder for segment thumbnails, or empty for none
     */
    public Result search(Path video, FootageSearch grant, Optional<Path> thumbnails, ProgressListener progress) throws ConsentryException {
        boolean finished = false;
        try {
            TrackingPass.Result found;
            try (VideoReader reader = VideoReader.open(new SourceLocation(SourceLocation.Kind.FILE, video.toAbsolutePath().toString(), Optional.empty()))) {
                found = new TrackingPass(detector, options).run(reader, progress);
            }
            double fps = found.frameRate() > 0 ? found.frameRate() : 25;
            List<Hit> hits = new ArrayList<>();
            int done = 0;
            for (TrackPlan.PlannedTrack t : found.plan().tracks()) {
                progress.progress("compare", ++done, found.plan().tracks().size());
                TrackingPass.BestView v = found.bestViews().get(t.trackId());
                if (v == null) {
                    continue;
                }
                List<Face> faces = engine.detect(v.crop());
                Optional<Face> largest = faces.stream().max(Comparator.comparingDouble(f -> f.box().area()));
                if (largest.isEmpty()) {
                    continue;
                }
                Embedding e = engine.embed(v.crop(), largest.get());
                double sim = grant.similarity(e.vector());
                if (sim >= grant.threshold()) {
                    hits.add(new Hit(t, sim, v));
                }
            }
            hits.sort(Comparator.comparingLong(h -> h.track().firstFrame()));
            String status = grant.needsReview() ? "review-candidate" : "match";
            long gap = Math.round(fps); // tracks less than a second apart form one segment
            List<Segment> segments = new ArrayList<>();
            List<Hit> group = new ArrayList<>();
            long groupEnd = Long.MIN_VALUE;
            for (Hit h : hits) {
                if (!group.isEmpty() && h.track().firstFrame() > groupEnd + gap) {
                    segments.add(segment(group, fps, status, thumbnails, segments.size() + 1));
                    group.clear();
                }
                group.add(h);
                groupEnd = Math.max(groupEnd, h.track().lastFrame());
            }
            if (!group.isEmpty()) {
                segments.add(segment(group, fps, status, thumbnails, segments.size() + 1));
            }
            Optional<Hit> best = hits.stream().max(Comparator.comparingDouble(Hit::similarity));
            finished = true;
            Optional<String> caseId = grant.finish(segments.size(), best.map(Hit::similarity).orElse(Double.NaN),
                    best.map(h -> ImageInput.rasterSha256(h.view().crop())));
            return new Result(grant.source(), grant.subjectId(), grant.threshold(), found.frames(), found.plan().tracks().size(),
                    segments, caseId);
        } finally {
            if (!finished) {
                grant.finish(0, Double.NaN, Optional.empty());
            }
        }
    }

    /** A track whose best view matched the subject. */
    private record Hit(TrackPlan.PlannedTrack track, double similarity, TrackingPass.BestView view) {
    }

    private static Segment segment(List<Hit> group, double fps, String status, Optional<Path> thumbnails, int n) throws ConsentryException {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        double bestSim = Double.NEGATIVE_INFINITY;
        TrackingPass.BestView bestView = null;
        List<Long> ids = new ArrayList<>();
        for (Hit h : group) {
            TrackPlan.PlannedTrack t = h.track();
            double sim = h.similarity();
            TrackingPass.BestView v = h.view();
            first = Math.min(first, t.firstFrame());
            last = Math.max(last, t.lastFrame());
            ids.add(t.trackId());
            if (sim > bestSim) {
                bestSim = sim;
                bestView = v;
            }
        }
        Optional<Path> thumb = Optional.empty();
        if (thumbnails.isPresent() && bestView != null) {
            try {
                Files.createDirectories(thumbnails.get());
            } catch (java.io.IOException e) {
                throw new io.consentry.video.VideoException("cannot create " + thumbnails.get() + ": " + e.getMessage(), e);
            }
            Path p = thumbnails.get().resolve(String.format("segment-%03d.jpg", n));
            ImageRedactor.write(bestView.crop(), p);
            thumb = Optional.of(p);
        }
        return new Segment(round(first / fps), round(last / fps), first, last, bestSim, status, ids, thumb);
    }

    private static double round(double s) {
        return Math.round(s * 100) / 100.0;
    }
}
