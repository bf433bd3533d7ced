package io.consentry.cli.gallery;

import io.consentry.store.Collection;
import io.consentry.store.CollectionSpec;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;

/** {@code consentry collections create|list|delete} (admin; listing: every role). */
@Command(name = "collections", mixinStandardHelpOptions = true,
        description = "Collections: galleries with one purpose, retention and match threshold.",
        subcommands = {CollectionsCommand.Create.class, CollectionsCommand.ListCmd.class, CollectionsCommand.Delete.class})
public final class CollectionsCommand extends CommandGroup {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a collection (admin).")
    public static final class Create extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Unique name, 1..100 characters.")
        String name;

        @Option(names = "--purpose", required = true, paramLabel = "PURPOSE",
                description = "access-control, event-check-in, photo-library, identity-verification, time-attendance or "
                        + "watchlist (needs an authorisation and two reviewers per hit).")
        String purpose;

        @Option(names = "--threshold", required = true, paramLabel = "T",
                description = "Match threshold on cosine similarity, in (-1, 1]. Required (a deliberate, audited choice): measure "
                        + "it for your pack, cameras and target false-match rate with `consentry calibrate`.")
        double threshold;

        @Option(names = "--retention-days", paramLabel = "DAYS",
                description = "Keep a subject's templates this long after their last interaction with the collection "
                        + "(default and maximum 1095 = 3 years, BIPA §15(a)).")
        Integer retentionDays;

        @Option(names = "--store-source-images", description = "Also keep enrolment images (encrypted). Off by default: "
                + "only their SHA-256 is stored.")
        boolean storeSourceImages;

        public Create() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Duration retention = retentionDays == null ? CollectionSpec.MAX_RETENTION : Duration.ofDays(retentionDays);
            Collection c = ctx.service().createCollection(ctx.actor(),
                    new CollectionSpec(name, Purpose.fromWire(purpose), retention, threshold, storeSourceImages));
            if (json) {
                printJson(GalleryJson.collection(c));
            } else {
                out().printf("collection %s '%s': %s, threshold %.3f, retention %d days, source images %s%n", c.id(), c.name(),
                        c.purpose().wireName(), c.matchThreshold(), c.retention().toDays(), c.storeSourceImages() ? "kept" : "not kept");
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List collections (any role).")
    public static final class ListCmd extends GalleryCommand {
        public ListCmd() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            List<Collection> all = ctx.service().collections(ctx.actor());
            if (json) {
                var a = GalleryJson.array();
                all.forEach(c -> a.add(GalleryJson.collection(c)));
                printJson(a);
                return GalleryExitCodes.OK;
            }
            if (all.isEmpty()) {
                out().println("no collections (consentry collections create NAME --purpose P --threshold T)");
            }
            for (Collection c : all) {
                out().printf("%s  %-24s %-22s threshold %.3f  retention %4d days%s%n", c.id(), CliValues.cut(c.name(), 24),
                        c.purpose().wireName(), c.matchThreshold(), c.retention().toDays(), c.storeSourceImages() ? "  source images kept" : "");
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a collection and every template in it (admin). Subjects and consents stay.")
    public static final class Delete extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection id or name.")
        String collection;

        public Delete() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Collection c = ctx.collection(collection);
            int removed = ctx.service().deleteCollection(ctx.actor(), c.id());
            if (json) {
                printJson(GalleryJson.object().put("id", c.id()).put("name", c.name()).put("templatesRemoved", removed));
            } else {
                out().printf("deleted collection %s '%s' and %d templates%n", c.id(), c.name(), removed);
            }
            return GalleryExitCodes.OK;
        }
    }
}
