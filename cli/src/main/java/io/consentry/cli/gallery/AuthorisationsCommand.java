package io.consentry.cli.gallery;

import io.consentry.store.Authorisation;
import io.consentry.store.AuthorisationSpec;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code consentry authorisations create|list|revoke} (admin): the legal ground for searching a watchlist. */
@Command(name = "authorisations", mixinStandardHelpOptions = true,
        description = {"Watchlist authorisations (admin).", "Who allowed searching which watchlist collections from which "
                + "sources, on what legal ground, until when. Watchlist identify is refused without one."},
        subcommands = {AuthorisationsCommand.Create.class, AuthorisationsCommand.ListCmd.class, AuthorisationsCommand.Revoke.class})
public final class AuthorisationsCommand extends CommandGroup {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Record an authorisation (admin).")
    public static final class Create extends GalleryCommand {
        @Option(names = "--issuer", required = true, paramLabel = "TEXT",
                description = "Who issued it: court, regulator, data protection officer.")
        String issuer;

        @Option(names = "--reference", required = true, paramLabel = "TEXT", description = "Warrant number, statute or decision.")
        String reference;

        @Option(names = "--collection", required = true, paramLabel = "C",
                description = "Watchlist collection id or name it covers (repeatable).")
        List<String> collections;

        @Option(names = "--source", paramLabel = "NAME",
                description = "Camera or site it covers (repeatable; default: any source).")
        List<String> sources = List.of();

        @Option(names = "--from", paramLabel = "TIME", description = "Start (default: now). " + CliValues.TIME_FORMATS + ".")
        String from;

        @Option(names = "--expires", required = true, paramLabel = "TIME", description = "End (required). " + CliValues.TIME_FORMATS + ".")
        String expires;

        public Create() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Instant now = Instant.now();
            Set<String> ids = new LinkedHashSet<>();
            for (String c : collections) {
                ids.add(ctx.collection(c).id());
            }
            AuthorisationSpec spec = new AuthorisationSpec(issuer, reference, ids, Set.copyOf(sources),
                    from == null ? now : CliValues.time("--from", from, now), CliValues.time("--expires", expires, now));
            Authorisation a = ctx.service().createAuthorisation(ctx.actor(), spec);
            if (json) {
                printJson(GalleryJson.authorisation(a, now));
            } else {
                out().printf("authorisation %s: issuer '%s', reference '%s', collections %s, sources %s, %s to %s%n", a.id(), a.issuer(),
                        a.legalReference(), a.collectionIds(), a.sources().isEmpty() ? "any" : a.sources(), a.validFrom(), a.expiresAt());
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List authorisations (admin).")
    public static final class ListCmd extends GalleryCommand {
        public ListCmd() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Instant now = Instant.now();
            List<Authorisation> all = ctx.service().authorisations(ctx.actor());
            if (json) {
                var a = GalleryJson.array();
                all.forEach(x -> a.add(GalleryJson.authorisation(x, now)));
                printJson(a);
                return GalleryExitCodes.OK;
            }
            if (all.isEmpty()) {
                out().println("no authorisations");
            }
            for (Authorisation a : all) {
                String state = a.revokedAt().map(r -> "revoked " + r).orElse(a.isValidAt(now) ? "in force"
                        : now.isBefore(a.validFrom()) ? "not yet in force" : "expired");
                out().printf("%s  %-10s %s to %s  issuer '%s', reference '%s', collections %s, sources %s%n", a.id(), state,
                        a.validFrom(), a.expiresAt(), a.issuer(), a.legalReference(), a.collectionIds(),
                        a.sources().isEmpty() ? "any" : a.sources());
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an authorisation now (admin).")
    public static final class Revoke extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Authorisation id.")
        String id;

        public Revoke() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Authorisation a = ctx.service().revokeAuthorisation(ctx.actor(), id);
            if (json) {
                printJson(GalleryJson.authorisation(a, Instant.now()));
            } else {
                out().printf("revoked authorisation %s at %s%n", a.id(), a.revokedAt().map(Object::toString).orElse("?"));
            }
            return GalleryExitCodes.OK;
        }
    }
}
