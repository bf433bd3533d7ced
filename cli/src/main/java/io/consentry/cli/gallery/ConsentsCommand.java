package io.consentry.cli.gallery;

import io.consentry.store.Consent;
import io.consentry.store.ConsentBasis;
import io.consentry.store.ConsentChange;
import io.consentry.store.ConsentSpec;
import io.consentry.store.Purpose;
import io.consentry.store.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code consentry consents record|withdraw|list} (enroller). */
@Command(name = "consents", mixinStandardHelpOptions = true,
        description = "Consent records and legal bases: enrolment into a collection needs one covering its purpose.",
        subcommands = {ConsentsCommand.Record.class, ConsentsCommand.Withdraw.class, ConsentsCommand.ListCmd.class})
public final class ConsentsCommand extends CommandGroup {

    @Command(name = "record", mixinStandardHelpOptions = true,
            description = "Record a consent or legal basis for a subject (enroller). Of an evidence document only its "
                    + "SHA-256 is stored.")
    public static final class Record extends GalleryCommand {
        @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id.")
        String subject;

        @Option(names = "--purpose", required = true, split = ",", paramLabel = "PURPOSE",
                description = "Purpose covered (repeatable or comma-separated): access-control, event-check-in, "
                        + "photo-library, identity-verification, time-attendance, watchlist.")
        List<String> purposes;

        @Option(names = "--basis", required = true, paramLabel = "BASIS",
                description = "signed-form (needs --evidence), in-app, or legal-basis (needs --reference).")
        String basis;

        @Option(names = "--reference", paramLabel = "TEXT",
                description = "Legal reference: statute, court order or contract clause (required for legal-basis).")
        String reference;

        @Option(names = "--given", paramLabel = "TIME",
                description = "When it was given (default: now). " + CliValues.TIME_FORMATS + ".")
        String given;

        @Option(names = "--expires", paramLabel = "TIME",
                description = "When it lapses (default: until withdrawn); templates it alone covers are then purged. "
                        + CliValues.TIME_FORMATS + ".")
        String expires;

        @Option(names = "--evidence", paramLabel = "FILE",
                description = "The signed form or consent record; only its SHA-256 is stored, never the file.")
        Path evidence;

        @Option(names = "--evidence-sha256", paramLabel = "HEX",
                description = "The evidence document's SHA-256, when the document is kept elsewhere.")
        String evidenceSha256;

        public Record() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            ConsentBasis b = ConsentBasis.fromWire(basis.strip());
            if (evidence != null && evidenceSha256 != null) {
                throw new IllegalArgumentException("give --evidence or --evidence-sha256, not both");
            }
            if (b == ConsentBasis.SIGNED_FORM && evidence == null && evidenceSha256 == null) {
                throw new IllegalArgumentException("--basis signed-form needs --evidence FILE (the signed form; only its SHA-256 is stored)");
            }
            if (b == ConsentBasis.LEGAL_BASIS && reference == null) {
                throw new IllegalArgumentException("--basis legal-basis needs --reference (statute, court order or contract clause)");
            }
            Instant now = Instant.now();
            Set<Purpose> ps = EnumSet.noneOf(Purpose.class);
            purposes.forEach(p -> ps.add(Purpose.fromWire(p.strip())));
            Instant givenAt = given == null ? now : CliValues.time("--given", given, now);
            Optional<Instant> expiresAt = Optional.ofNullable(expires).map(e -> CliValues.time("--expires", e, now));
            Optional<String> hash = evidence != null ? Optional.of(CliValues.sha256(evidence)) : Optional.ofNullable(evidenceSha256);
            ConsentSpec spec = new ConsentSpec(subject, ps, b, Optional.ofNullable(reference), givenAt,
                    expiresAt, hash);
            Consent c = ctx.service().recordConsent(ctx.actor(), spec);
            if (json) {
                printJson(GalleryJson.consent(c, now));
            } else {
                out().printf("consent %s for subject %s: %s, %s, given %s, %s%s%n", c.id(), c.subjectId(), purposes(c), c.basis().wireName(),
                        c.givenAt(), c.expiresAt().map(e -> "expires " + e).orElse("until withdrawn"),
                        c.evidenceSha256().map(h -> ", evidence sha256 " + h).orElse(""));
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "withdraw", mixinStandardHelpOptions = true,
            description = "Withdraw a consent now (enroller): templates no other valid consent covers are deleted at once.")
    public static final class Withdraw extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "CONSENT", description = "Consent id.")
        String consent;

        public Withdraw() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            ConsentChange ch = ctx.service().withdrawConsent(ctx.actor(), consent);
            if (json) {
                printJson(GalleryJson.consent(ch.consent(), Instant.now()).put("templatesRemoved", ch.removedTemplates().size()));
            } else {
                out().printf("withdrew consent %s of subject %s; %d templates deleted%n", ch.consent().id(), ch.consent().subjectId(),
                        ch.removedTemplates().size());
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A subject's consent records (enroller).")
    public static final class ListCmd extends GalleryCommand {
        @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id (an erased subject's "
                + "consent records remain).")
        String subject;

        public ListCmd() {
            super(Role.ENROLLER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Instant now = Instant.now();
            List<Consent> all = ctx.service().consents(ctx.actor(), subject);
            if (json) {
                var a = GalleryJson.array();
                all.forEach(c -> a.add(GalleryJson.consent(c, now)));
                printJson(a);
                return GalleryExitCodes.OK;
            }
            if (all.isEmpty()) {
                out().println("no consent records for subject " + subject);
            }
            for (Consent c : all) {
                String state = c.withdrawnAt().map(w -> "withdrawn " + w).orElse(c.isValidAt(now) ? "valid"
                        : c.expiresAt().filter(e -> !now.isBefore(e)).map(e -> "expired " + e).orElse("not yet valid"));
                out().printf("%s  %-11s %-40s given %s  %s%n", c.id(), c.basis().wireName(), purposes(c), c.givenAt(), state);
            }
            return GalleryExitCodes.OK;
        }
    }

    static String purposes(Consent c) {
        return c.purposes().stream().map(Purpose::wireName).sorted().collect(Collectors.joining(","));
    }
}
