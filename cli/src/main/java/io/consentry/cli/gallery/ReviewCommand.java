package io.consentry.cli.gallery;

import io.consentry.store.ReviewCandidate;
import io.consentry.store.ReviewCase;
import io.consentry.store.ReviewDecision;
import io.consentry.store.ReviewStatus;
import io.consentry.store.Role;
import io.consentry.store.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code consentry review list|confirm|reject} (reviewer): watchlist hits become an identification only when two
 * different reviewers confirm the same candidate; one rejection closes the case.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Watchlist review cases (reviewer).", "A hit is confirmed only when two different reviewers (--actor) "
                + "confirm the same candidate; one rejection closes the case."},
        subcommands = {ReviewCommand.ListCmd.class, ReviewCommand.Confirm.class, ReviewCommand.Reject.class})
public final class ReviewCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List review cases (reviewer).")
    public static final class ListCmd extends GalleryCommand {
        @Option(names = "--status", paramLabel = "STATUS", description = "pending (default), confirmed, rejected or all.")
        String status = "pending";

        @Option(names = "--limit", paramLabel = "N", description = "At most N cases (default ${DEFAULT-VALUE}).")
        int limit = 100;

        public ListCmd() {
            super(Role.REVIEWER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            Optional<ReviewStatus> st = "all".equalsIgnoreCase(status) ? Optional.empty() : Optional.of(status(status));
            List<ReviewCase> cases = ctx.service().reviewCases(ctx.actor(), st, limit);
            if (json) {
                var a = GalleryJson.array();
                cases.forEach(c -> a.add(GalleryJson.reviewCase(c)));
                printJson(a);
                return GalleryExitCodes.OK;
            }
            if (cases.isEmpty()) {
                out().println("no " + (st.isPresent() ? status.toLowerCase(Locale.ROOT) + " " : "") + "review cases");
            }
            for (ReviewCase c : cases) {
                print(c);
            }
            return GalleryExitCodes.OK;
        }

        private void print(ReviewCase c) {
            out().printf("case %s  %s  collection %s  opened %s by %s%s%n", c.id(), c.status().name().toLowerCase(Locale.ROOT),
                    c.collectionId(), c.createdAt(), c.createdBy(), c.source().map(s -> "  source " + s).orElse(""));
            for (ReviewCandidate rc : c.candidates()) {
                out().printf("    candidate %s  %.4f%n", rc.subjectId(), rc.similarity());
            }
            for (ReviewDecision d : c.decisions()) {
                out().printf("    %s by %s at %s%s%n", d.verdict().name().toLowerCase(Locale.ROOT), d.reviewerId(), d.decidedAt(),
                        d.subjectId().map(s -> ": " + s).orElse(""));
            }
        }

        private static ReviewStatus status(String s) {
            try {
                return ReviewStatus.valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--status must be pending, confirmed, rejected or all, got '" + s + "'");
            }
        }
    }

    @Command(name = "confirm", mixinStandardHelpOptions = true,
            description = "Confirm that the probe shows this candidate (reviewer). The second different reviewer "
                    + "confirming the same candidate confirms the case.")
    public static final class Confirm extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "CASE", description = "Review case id.")
        String caseId;

        @Option(names = "--subject", required = true, paramLabel = "ID", description = "The candidate confirmed.")
        String subject;

        public Confirm() {
            super(Role.REVIEWER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            return decided(this, ctx.service().review(ctx.actor(), caseId, Verdict.CONFIRM, Optional.of(subject)));
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject the case: none of the candidates is the person in the probe (reviewer). Closes it.")
    public static final class Reject extends GalleryCommand {
        @Parameters(index = "0", paramLabel = "CASE", description = "Review case id.")
        String caseId;

        public Reject() {
            super(Role.REVIEWER);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            return decided(this, ctx.service().review(ctx.actor(), caseId, Verdict.REJECT, Optional.empty()));
        }
    }

    static int decided(GalleryCommand cmd, ReviewCase c) throws Exception {
        if (cmd.json) {
            cmd.printJson(GalleryJson.reviewCase(c));
        } else {
            String state = switch (c.status()) {
                case CONFIRMED -> "confirmed: subject " + c.confirmedSubjectId().orElse("?") + " (two reviewers agree)";
                case REJECTED -> "rejected and closed";
                case PENDING -> "pending: " + c.decisions().size() + " of " + ReviewCase.REQUIRED_CONFIRMATIONS
                        + " confirmations by different reviewers";
            };
            cmd.out().printf("case %s %s%n", c.id(), state);
        }
        return GalleryExitCodes.OK;
    }
}
