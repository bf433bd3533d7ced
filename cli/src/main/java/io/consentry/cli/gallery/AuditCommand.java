package io.consentry.cli.gallery;

import io.consentry.store.Role;
import io.consentry.store.audit.AuditChain;
import io.consentry.store.audit.AuditEntry;
import io.consentry.store.audit.AuditHead;
import io.consentry.store.audit.AuditJsonl;
import io.consentry.store.audit.AuditRecord;
import io.consentry.store.audit.AuditVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code consentry audit verify|export|list} (auditor): the hash-chained audit trail. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"The hash-chained audit trail (auditor).", "Every operation, refusal and failure with actor, role, collection, "
                + "subject, image hash and scores, hash-chained. Reading, exporting and verifying it are audited too."},
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.ListCmd.class})
public final class AuditCommand extends CommandGroup {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify the hash chain of the gallery's audit log, or of an exported --file offline (no gallery "
                    + "needed). Prints the head (seq and hash): publish it somewhere the database administrator cannot "
                    + "write, and check it later with --expect. Exit 0 intact, 7 broken.")
    public static final class Verify extends GalleryCommand {
        @Option(names = "--file", paramLabel = "FILE.jsonl", description = "Verify this export instead of the gallery's log.")
        Path file;

        @Option(names = "--expect", paramLabel = "SEQ:HASH",
                description = "A head published earlier: the log must still hold record SEQ with this hash.")
        String expect;

        public Verify() {
            super(Role.AUDITOR);
        }

        @Override
        Integer offline() throws Exception {
            if (file == null) {
                return null;
            }
            List<AuditRecord> records;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                records = AuditJsonl.read(r);
            }
            AuditVerification v = AuditChain.verify(records, Optional.empty());
            Optional<AuditRecord> at = expected().flatMap(h -> records.stream().filter(r -> r.seq() == h.seq()).findFirst());
            return report(v, at.map(AuditRecord::hash));
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            AuditVerification v = ctx.service().verifyAudit(ctx.actor());
            Optional<String> hashAtExpected = Optional.empty();
            if (expected().isPresent()) {
                hashAtExpected = ctx.service().readAudit(ctx.actor(), expected().get().seq(), 1).stream()
                        .filter(r -> r.seq() == expected().get().seq()).findFirst().map(AuditRecord::hash);
            }
            return report(v, hashAtExpected);
        }

        private Optional<AuditHead> expected() {
            if (expect == null) {
                return Optional.empty();
            }
            int colon = expect.indexOf(':');
            try {
                String hash = expect.substring(colon + 1).strip().toLowerCase(java.util.Locale.ROOT);
                if (colon < 1 || !hash.matches("[0-9a-f]{64}")) {
                    throw new NumberFormatException();
                }
                return Optional.of(new AuditHead(Long.parseLong(expect.substring(0, colon).strip()), hash));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--expect must be SEQ:HASH (a sequence number and 64 hex digits), as printed by audit verify");
            }
        }

        private int report(AuditVerification v, Optional<String> hashAtExpected) throws Exception {
            Optional<AuditHead> want = expected();
            String expectation = null;
            if (want.isPresent()) {
                expectation = hashAtExpected.isEmpty() ? "record " + want.get().seq() + " of the published head is missing: records were removed from the end"
                        : !hashAtExpected.get().equals(want.get().hash()) ? "record " + want.get().seq() + " differs from the published head"
                        : null;
            }
            boolean ok = v.intact() && expectation == null;
            if (json) {
                var n = GalleryJson.object();
                n.put("intact", ok);
                n.put("records", v.recordsChecked());
                n.put("headSeq", v.head().seq());
                n.put("headHash", v.head().hash());
                if (v.firstBreak().isPresent()) {
                    n.put("breakSeq", v.firstBreak().get().seq());
                    n.put("breakKind", v.firstBreak().get().kind().name().toLowerCase(java.util.Locale.ROOT));
                    n.put("breakDetail", v.firstBreak().get().detail());
                }
                if (want.isPresent()) {
                    n.put("expectedHeadFound", expectation == null);
                }
                printJson(n);
            } else if (ok) {
                out().printf("audit chain intact: %d records; head %d:%s%s%n", v.recordsChecked(), v.head().seq(), v.head().hash(),
                        want.isPresent() ? "; contains the published head " + want.get().seq() : "");
            } else {
                out().println(v.intact() ? "audit log does not match the published head: " + expectation : v.toString());
            }
            if (!ok) {
                err().println("consentry: audit verification failed: " + (v.intact() ? expectation : v.firstBreak().get().detail()));
            }
            return ok ? GalleryExitCodes.OK : GalleryExitCodes.AUDIT_BROKEN;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export the whole audit log as JSON Lines, one record per line with its hashes, including the "
                    + "record of this export (auditor). Verify it elsewhere with `consentry audit verify --file`.")
    public static final class Export extends GalleryCommand {
        @Option(names = "--out", paramLabel = "FILE.jsonl", description = "Write here (default: standard output).")
        Path outFile;

        public Export() {
            super(Role.AUDITOR);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            if (outFile == null) {
                LineSink sink = new LineSink(out());
                ctx.service().exportAudit(ctx.actor(), sink);
                out().flush();
                return GalleryExitCodes.OK;
            }
            Path target = outFile.toAbsolutePath();
            Path tmp = Files.createTempFile(target.getParent(), ".audit-export", ".tmp");
            long n;
            LineSink sink;
            try {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    sink = new LineSink(w);
                    n = ctx.service().exportAudit(ctx.actor(), sink);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            AuditRecord last = sink.last == null ? null : AuditJsonl.parseLine(sink.last);
            if (json) {
                var node = GalleryJson.object().put("file", target.toString()).put("records", n);
                if (last != null) {
                    node.put("headSeq", last.seq()).put("headHash", last.hash());
                }
                printJson(node);
            } else {
                out().printf("exported %d audit records to %s%s%n", n, target,
                        last == null ? "" : "; head " + last.seq() + ":" + last.hash());
            }
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show audit records (auditor); --json prints JSON Lines in the export format.")
    public static final class ListCmd extends GalleryCommand {
        @Option(names = "--from", paramLabel = "SEQ", description = "First sequence number (default: the last --limit records).")
        Long from;

        @Option(names = "--limit", paramLabel = "N", description = "At most N records (default ${DEFAULT-VALUE}).")
        int limit = 50;

        public ListCmd() {
            super(Role.AUDITOR);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            long start = from != null ? from : Math.max(1, ctx.service().store().auditHead().seq() - limit + 1);
            List<AuditRecord> records = ctx.service().readAudit(ctx.actor(), start, limit);
            for (AuditRecord r : records) {
                out().println(json ? AuditJsonl.toLine(r) : line(r));
            }
            return GalleryExitCodes.OK;
        }

        static String line(AuditRecord r) {
            AuditEntry e = r.entry();
            StringBuilder b = new StringBuilder();
            b.append(r.seq()).append("  ").append(r.at()).append("  ").append(e.actorId())
                    .append(e.role().map(x -> " (" + x.wireName() + ")").orElse("")).append("  ").append(e.action().wireName())
                    .append(' ').append(e.outcome().wireName());
            e.collectionId().ifPresent(c -> b.append("  collection ").append(c));
            e.purpose().ifPresent(p -> b.append(" (").append(p.wireName()).append(')'));
            e.subjectId().ifPresent(s -> b.append("  subject ").append(s));
            e.objectId().ifPresent(o -> b.append("  object ").append(o));
            e.inputImageSha256().ifPresent(h -> b.append("  image ").append(h, 0, 12).append('…'));
            if (!e.candidates().isEmpty()) {
                b.append("  candidates ").append(e.candidates().stream().map(c -> c.id() + "@" + c.scoreText())
                        .collect(Collectors.joining(",")));
            }
            if (!e.detail().isEmpty()) {
                b.append("  — ").append(e.detail());
            }
            return b.toString();
        }
    }

    /**
     * The export's bytes as lines to a {@link Writer}, remembering the last line. Records are written whole and
     * {@code '\n'} never occurs inside a UTF-8 multi-byte sequence, so decoding line by line is exact.
     */
    static final class LineSink extends OutputStream {
        private final Writer target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        String last;

        LineSink(Writer target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                last = line.toString(StandardCharsets.UTF_8);
                line.reset();
                target.write(last);
                target.write('\n');
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }
}
