package io.consentry.cli.gallery;

import io.consentry.governance.FootageSearch;
import io.consentry.store.Collection;
import io.consentry.store.Role;
import io.consentry.video.VideoException;
import io.consentry.video.VideoJson;
import io.consentry.video.pipeline.TrackingPass;
import io.consentry.video.search.FootageSearcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** {@code consentry search-video VIDEO --collection C --subject ID [--thumbnails DIR]} (operator). */
@Command(name = "search-video", mixinStandardHelpOptions = true,
        description = {"Time ranges where one enrolled subject appears in a video file, with thumbnails (operator; audited).",
                "Allowed only for a watchlist with an authorisation covering the collection and --name (hits are review candidates "
                        + "and a review case is opened), or a photo-library collection. Refused for other purposes."})
public final class SearchVideoCommand extends GalleryCommand {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "Video file.")
    Path video;

    @Option(names = "--collection", required = true, paramLabel = "C", description = "Collection id or name.")
    String collection;

    @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id.")
    String subject;

    @Option(names = "--name", paramLabel = "NAME", description = "Footage name for audit and authorisation scope (default: the file name).")
    String name;

    @Option(names = "--thumbnails", paramLabel = "DIR", description = "Write a JPEG of the best matching face per segment here.")
    Path thumbnails;

    @Option(names = "--detect-every", paramLabel = "N", description = "Run the detector on every N-th frame (default ${DEFAULT-VALUE}).")
    int detectEvery = 2;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    public SearchVideoCommand() {
        super(Role.OPERATOR);
    }

    @Override
    Integer offline() {
        engineArgs.preferOneThreadPerInference();
        if (!Files.isRegularFile(video)) {
            err().println("consentry: no such file: " + video);
            return GalleryExitCodes.BAD_INPUT;
        }
        return null;
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        Collection c = ctx.collection(collection);
        String source = name != null ? name : video.getFileName().toString();
        FootageSearch grant = ctx.service().startFootageSearch(ctx.actor(), c.id(), subject, source);
        PhaseProgress progress = new PhaseProgress(err(), !noProgress);
        FootageSearcher.Result r;
        try {
            r = new FootageSearcher(ctx.engine(), TrackingPass.Options.defaults().withDetectEvery(detectEvery))
                    .search(video, grant, Optional.ofNullable(thumbnails), progress);
        } catch (VideoException e) {
            progress.done();
            err().println("consentry: " + e.getMessage());
            return GalleryExitCodes.BAD_INPUT;
        }
        progress.done();
        if (json) {
            out().println(VideoJson.MAPPER.writeValueAsString(r));
            return GalleryExitCodes.OK;
        }
        if (r.segments().isEmpty()) {
            out().printf(Locale.ROOT, "subject %s not found in %s (%d frames, %d face tracks, threshold %.3f)%n", subject, source, r.frames(),
                    r.tracks(), r.threshold());
        }
        for (FootageSearcher.Segment s : r.segments()) {
            out().printf(Locale.ROOT, "%s  %8.2fs - %8.2fs  similarity %.4f  %s%s%n", s.status(), s.startSecond(), s.endSecond(), s.similarity(),
                    "tracks " + s.trackIds(), s.thumbnail().map(p -> "  " + p).orElse(""));
        }
        r.reviewCaseId().ifPresent(id -> out().println("review case " + id + " awaits two reviewers (watchlist hits are not identifications)"));
        return GalleryExitCodes.OK;
    }
}
