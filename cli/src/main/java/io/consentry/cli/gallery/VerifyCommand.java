package io.consentry.cli.gallery;

import io.consentry.governance.VerifyResult;
import io.consentry.store.Collection;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code consentry verify --subject ID --collection C IMAGE} (operator). */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"1:1: is the largest face in IMAGE this subject (operator)?", "Compared with the subject's templates in "
                + "the collection at its threshold. Not available for watchlists. Exit 0 whether or not it matches."})
public final class VerifyCommand extends GalleryCommand {
    @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id.")
    String subject;

    @Option(names = "--collection", required = true, paramLabel = "C", description = "Collection id or name.")
    String collection;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Probe image.")
    Path image;

    public VerifyCommand() {
        super(Role.OPERATOR);
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        Collection col = ctx.collection(collection);
        VerifyResult r = ctx.service().verify(ctx.actor(), col.id(), subject, ctx.image(image));
        if (json) {
            printJson(GalleryJson.verify(r));
        } else {
            out().printf("%s: similarity %.4f (threshold %.3f, %d templates compared)%n", r.match() ? "match" : "no match",
                    r.similarity(), r.threshold(), r.templatesCompared());
        }
        return GalleryExitCodes.OK;
    }
}
