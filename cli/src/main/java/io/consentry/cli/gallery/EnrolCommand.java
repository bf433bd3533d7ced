package io.consentry.cli.gallery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentry.governance.Enrolment;
import io.consentry.store.Collection;
import io.consentry.store.ErrorCode;
import io.consentry.store.GalleryException;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code consentry enrol --subject ID --collection C IMAGE...} (enroller). Each image must show exactly the subject.
 * A problem with one image (no face, several faces, unreadable, already enrolled) is reported and the others are
 * enrolled; anything else (no consent, unknown subject, role, storage) stops the batch.
 */
@Command(name = "enrol", mixinStandardHelpOptions = true,
        description = {"Enrol a subject's face from images into a collection (enroller).",
                "Needs a valid consent "
                + "or legal basis for the collection's purpose; each image must show exactly one face. Exit 0 when every "
                + "image was enrolled, else the code of the first failure."})
public final class EnrolCommand extends GalleryCommand {
    /** Errors that concern one image only: the batch goes on. */
    private static final Set<ErrorCode> PER_IMAGE = EnumSet.of(ErrorCode.NO_FACE, ErrorCode.MULTIPLE_FACES, ErrorCode.BAD_IMAGE,
            ErrorCode.CONFLICT);

    @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id.")
    String subject;

    @Option(names = "--collection", required = true, paramLabel = "C", description = "Collection id or name.")
    String collection;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images showing only the subject (JPEG, PNG, BMP, GIF, WebP).")
    List<Path> images;

    public EnrolCommand() {
        super(Role.ENROLLER);
    }

    @Override
    int run(GalleryContext ctx) throws Exception {
        Collection col = ctx.collection(collection);
        Progress progress = new Progress(err(), images.size());
        ArrayNode results = GalleryJson.array();
        int exit = GalleryExitCodes.OK;
        int enrolled = 0;
        for (Path image : images) {
            try {
                Enrolment e = ctx.service().enrol(ctx.actor(), subject, col.id(), ctx.image(image));
                enrolled++;
                results.add(GalleryJson.enrolment(image.toString(), e));
                if (!json) {
                    out().printf("enrolled %s: template %s, quality %.3f%n", image, e.templateId(), e.quality());
                }
            } catch (GalleryException ex) {
                if (!PER_IMAGE.contains(ex.code()) || images.size() == 1) {
                    throw ex;
                }
                exit = exit == GalleryExitCodes.OK ? GalleryExitCodes.of(ex.code()) : exit;
                results.add(failure(progress, image, ex.code().wireName(), ex.getMessage()));
            } catch (NoSuchFileException ex) {
                if (images.size() == 1) {
                    throw ex;
                }
                exit = exit == GalleryExitCodes.OK ? GalleryExitCodes.BAD_INPUT : exit;
                results.add(failure(progress, image, "bad-input", "no such file"));
            } catch (IOException ex) {
                if (images.size() == 1) {
                    throw ex;
                }
                exit = exit == GalleryExitCodes.OK ? GalleryExitCodes.BAD_INPUT : exit;
                results.add(failure(progress, image, "bad-input", "cannot read: " + ex.getMessage()));
            }
            progress.step(image.getFileName().toString());
        }
        if (json) {
            printJson(results);
        } else if (images.size() > 1) {
            out().printf("%d of %d images enrolled for subject %s in '%s'%n", enrolled, images.size(), subject, col.name());
        }
        return exit;
    }

    private ObjectNode failure(Progress progress, Path image, String code, String message) {
        progress.note("consentry: " + image + ": " + message + " [" + code + "]");
        return GalleryJson.object().put("image", image.toString()).put("ok", false).put("error", code).put("message", message);
    }
}
