package io.consentry.cli.gallery;

import io.consentry.store.PurgeReport;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consentry retention purge [--scrub]} (admin). */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = {"Retention purge (admin).", "The server purges hourly; without a server, run `consentry retention purge` daily (cron)."},
        subcommands = {RetentionCommand.Purge.class})
public final class RetentionCommand extends CommandGroup {

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete now what may no longer be kept (admin): templates no valid consent covers, templates "
                    + "past their collection's retention since the subject's last interaction (at most 3 years, BIPA "
                    + "§15(a)), and subjects left without templates and interaction for 3 years. Each is audited.")
    public static final class Purge extends GalleryCommand {
        @Option(names = "--scrub", description = "Also compact the database file (WAL checkpoint and VACUUM) even if nothing "
                + "was purged, e.g. after an erasure reported that another process kept the file busy.")
        boolean scrub;

        public Purge() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            PurgeReport r = ctx.service().purgeNow(ctx.actor());
            Boolean scrubbed = scrub ? ctx.service().store().scrub() : null;
            if (json) {
                var n = GalleryJson.purge(r);
                if (scrubbed != null) {
                    n.put("scrubbed", scrubbed);
                }
                printJson(n);
            } else {
                out().printf("purged %d templates without valid consent, %d templates past retention, %d subjects%s%n",
                        r.consentLapsed().size(), r.retentionExpired().size(), r.erasedSubjects().size(),
                        scrubbed == null ? "" : scrubbed ? "; database scrubbed" : "; database NOT scrubbed (another process holds it)");
            }
            return scrubbed == null || scrubbed ? GalleryExitCodes.OK : GalleryExitCodes.STORAGE;
        }
    }
}
