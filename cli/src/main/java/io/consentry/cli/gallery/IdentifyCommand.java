package io.consentry.cli.gallery;

import io.consentry.governance.Candidate;
import io.consentry.governance.IdentifyResult;
import io.consentry.store.Collection;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;

/** {@code consentry identify --collection C IMAGE [--top K] [--source NAME]} (operator). */
@Command(name = "identify", mixinStandardHelpOptions = true,
        description = {"1:N search: who in the collection is the largest face in IMAGE (operator).", "A candidate is a match "
                + "only at or above the collection's threshold. In a watchlist collection hits are only review "
                + "candidates: a valid authorisation must cover the collection and --source, and a review case is opened "
                + "for two reviewers. Exit 0 whether or not there is a match."})
public final class IdentifyCommand extends GalleryCommand {
    @Option(names = "--collection", required = true, paramLabel = "C", description = "Collection id or name.")
    String collection;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Probe image.")
    Path image;

    @Option(names = "--top", paramLabel = "K", description = "Candidates to list, best first (default ${DEFAULT-VALUE}).")
    int top = 1;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Camera or site the probe came from; checked against watchlist authorisations and audited.")
    String source;

    public IdentifyCommand() {
        super(Role.OPERATOR);
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        Collection col = ctx.collection(collection);
        IdentifyResult r = ctx.service().identify(ctx.actor(), col.id(), ctx.image(image), top, Optional.ofNullable(source));
        if (json) {
            printJson(GalleryJson.identify(r));
            return GalleryExitCodes.OK;
        }
        if (r.reviewCaseId().isPresent()) {
            out().printf("%d review candidates in watchlist '%s' (not an identification): review case %s awaits two reviewers%n",
                    r.candidates().size(), col.name(), r.reviewCaseId().get());
        } else if (r.bestMatch().isPresent()) {
            Candidate m = r.bestMatch().get();
            out().printf("match: subject %s, similarity %.4f (threshold %.3f)%n", m.subjectId(), m.similarity(), r.threshold());
        } else if (r.candidates().isEmpty()) {
            out().printf("no match: %s (threshold %.3f)%n", col.purpose().requiresAuthorisation()
                    ? "no hit at or above the threshold" : "the collection has no searchable templates", r.threshold());
        } else {
            out().printf("no match: best similarity %.4f is below the threshold %.3f%n", r.candidates().get(0).similarity(), r.threshold());
        }
        if (top > 1 || r.reviewCaseId().isPresent()) {
            int i = 1;
            for (Candidate c : r.candidates()) {
                out().printf("  %2d. %s  %.4f  %s%n", i++, c.subjectId(), c.similarity(), c.status().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (r.facesInImage() > 1) {
            out().printf("(%d faces in the image; the largest was searched)%n", r.facesInImage());
        }
        return GalleryExitCodes.OK;
    }
}
