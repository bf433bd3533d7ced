package io.consentry.cli.gallery;

import io.consentry.store.ErasureReport;
import io.consentry.store.Role;
import io.consentry.store.Subject;
import io.consentry.store.SubjectSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Optional;

/** {@code consentry subjects create|list|erase} (enroller). */
@Command(name = "subjects", mixinStandardHelpOptions = true,
        description = "Subjects: the people who may be enrolled, and their erasure (GDPR Art. 17).",
        subcommands = {SubjectsCommand.Create.class, SubjectsCommand.ListCmd.class, SubjectsCommand.Erase.class})
public final class SubjectsCommand extends CommandGroup {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a subject (enroller).")
    public static final class Create extends GalleryCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Display name, 1..200 characters.")
        String name;

        @Option(names = "--external-id", paramLabel = "ID",
                description = "Your own id for the person (employee number, ticket); unique.")
        String externalId;

        public Create() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Subject s = ctx.service().createSubject(ctx.actor(), new SubjectSpec(name, Optional.ofNullable(externalId)));
            if (json) {
                printJson(GalleryJson.subject(s));
            } else {
                out().printf("subject %s '%s'%s%n", s.id(), s.displayName(), s.externalId().map(e -> " (external id " + e + ")").orElse(""));
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List subjects (enroller).")
    public static final class ListCmd extends GalleryCommand {
        @Option(names = "--external-id", paramLabel = "ID", description = "Only the subject with this external id.")
        String externalId;

        @Option(names = "--offset", paramLabel = "N", description = "Skip the first N (default ${DEFAULT-VALUE}).")
        int offset = 0;

        @Option(names = "--limit", paramLabel = "N", description = "At most N (default ${DEFAULT-VALUE}).")
        int limit = 100;

        public ListCmd() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            List<Subject> all = externalId != null
                    ? ctx.service().findSubjectByExternalId(ctx.actor(), externalId).map(List::of).orElse(List.of())
                    : ctx.service().subjects(ctx.actor(), offset, limit);
            if (json) {
                var a = GalleryJson.array();
                all.forEach(s -> a.add(GalleryJson.subject(s)));
                printJson(a);
                return GalleryExitCodes.OK;
            }
            for (Subject s : all) {
                out().printf("%s  %-30s %-16s last interaction %s%n", s.id(), CliValues.cut(s.displayName(), 30),
                        CliValues.cut(s.externalId().orElse("-"), 16), s.lastInteractionAt());
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Erase a subject (GDPR Art. 17; enroller): templates and kept images deleted, subject record "
                    + "deleted, consents kept as dates, purposes and evidence hash, database file scrubbed.")
    public static final class Erase extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "SUBJECT", description = "Subject id.")
        String subject;

        public Erase() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            ErasureReport r = ctx.service().eraseSubject(ctx.actor(), subject);
            // The store scrubs (WAL checkpoint + VACUUM) itself; when another process held the file, try once more.
            boolean scrubbed = r.scrubbed() || ctx.service().store().scrub();
            if (json) {
                printJson(GalleryJson.erasure(r).put("scrubbed", scrubbed));
            } else {
                out().printf("erased subject %s: %d templates deleted, %d consent records kept (no biometric data), storage %s%n",
                        r.subjectId(), r.removedTemplates().size(), r.consentsRetained(), scrubbed ? "scrubbed" : "NOT yet scrubbed");
            }
            if (!scrubbed) {
                err().println("consentry: warning: another process keeps " + ctx.home().resolve("gallery.db") + " busy, so deleted "
                        + "pages may remain in the file until the next scrub; stop it (e.g. the server) and run "
                        + "`consentry retention purge --scrub`");
            }
            return GalleryExitCodes.OK;
        }
    }
}
