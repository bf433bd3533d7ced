package io.consentry.store.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain over audit records, and its verification.
 *
 * <h2>Format</h2>
 * {@code hash = hex(SHA-256(canonical))} where {@code canonical} is UTF-8 text:
 * <pre>
 * consentry-audit-v1\n
 * at=&lt;len&gt;:&lt;epoch milliseconds&gt;\n
 * actor=&lt;len&gt;:&lt;actor id&gt;\n
 * role=&lt;len&gt;:&lt;role&gt;\n            (or "role=~\n" when absent; likewise for every optional field)
 * action=… outcome=… collection=… purpose=… subject=… object=… image=…
 * candidates=&lt;count&gt;\n then per candidate: candidate=&lt;len&gt;:&lt;id&gt;@&lt;score with 6 decimals&gt;\n
 * detail=&lt;len&gt;:&lt;text&gt;\n
 * prev=&lt;len&gt;:&lt;previous record's hash&gt;\n
 * </pre>
 * {@code <len>} is the value's length in UTF-8 bytes, so no value can forge a field boundary. Enum values use their wire
 * names ({@code "identify"}, {@code "enroller"}, {@code "access-control"}). The first record's {@code prev} is
 * {@link #GENESIS_HASH}. The sequence number is not hashed: order is fixed by the links, and the verifier checks that
 * sequence numbers run 1, 2, 3, … separately.
 *
 * <h2>Verification</h2>
 * {@link #verify} walks records in sequence order and reports the first break: a record whose hash does not match its
 * contents ({@link AuditBreak.Kind#MODIFIED}), a gap or missing start or a log shorter than its published head
 * ({@link AuditBreak.Kind#DELETED}), or an authentic record linking to one that comes later
 * ({@link AuditBreak.Kind#REORDERED}). Any single modification, deletion or reordering breaks the chain; an attacker
 * who can rewrite the whole log from some point on and the head can only be caught against a head published elsewhere
 * ({@link AuditHead}).
 */
public final class AuditChain {
    /** The {@code prevHash} of the first record: 64 zeros. */
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final byte[] VERSION = "consentry-audit-v1\n".getBytes(StandardCharsets.UTF_8);

    private AuditChain() {
    }

    /** The hash of a record with these contents after a record with hash {@code prevHash}. */
    public static String hash(Instant at, AuditEntry e, String prevHash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical(at, e, prevHash)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 not available", ex);
        }
    }

    /** The canonical bytes hashed for a record (see the class comment). */
    public static byte[] canonical(Instant at, AuditEntry e, String prevHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.writeBytes(VERSION);
        field(out, "at", Long.toString(at.toEpochMilli()));
        field(out, "actor", e.actorId());
        field(out, "role", e.role().map(r -> r.wireName()).orElse(null));
        field(out, "action", e.action().wireName());
        field(out, "outcome", e.outcome().wireName());
        field(out, "collection", e.collectionId().orElse(null));
        field(out, "purpose", e.purpose().map(p -> p.wireName()).orElse(null));
        field(out, "subject", e.subjectId().orElse(null));
        field(out, "object", e.objectId().orElse(null));
        field(out, "image", e.inputImageSha256().orElse(null));
        out.writeBytes(("candidates=" + e.candidates().size() + "\n").getBytes(StandardCharsets.UTF_8));
        for (AuditCandidate c : e.candidates()) {
            field(out, "candidate", c.id() + "@" + c.scoreText());
        }
        field(out, "detail", e.detail());
        field(out, "prev", prevHash);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        if (value == null) {
            out.writeBytes("=~\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(("=" + v.length + ":").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(v);
        out.write('\n');
    }

    /**
     * Verifies records given in sequence order.
     *
     * @param records all records from seq 1 on
     * @param head    the expected head (from the store or published elsewhere), if any: detects records removed from
     *                the end
     */
    public static AuditVerification verify(Iterable<AuditRecord> records, Optional<AuditHead> head) {
        Verifier v = new Verifier();
        for (AuditRecord r : records) {
            v.accept(r);
        }
        return v.finish(head);
    }

    /**
     * Incremental verification for logs read page by page: {@link #accept} each record in sequence order, then
     * {@link #finish}. Keeps O(1) state. Not thread-safe.
     */
    public static final class Verifier {
        private String prevHash = GENESIS_HASH;
        private long expectedSeq = 1;
        private long count;
        private AuditHead last = new AuditHead(0, GENESIS_HASH);
        private AuditBreak firstBreak;
        /** After a link break: the hash the breaking record links to; seeing it later means reordering. */
        private String wanted;
        private boolean wantedSeen;

        public void accept(AuditRecord r) {
            count++;
            if (firstBreak != null) {
                if (wanted != null && r.hash().equals(wanted)) {
                    wantedSeen = true;
                }
            } else {
                check(r);
            }
            prevHash = r.hash();
            expectedSeq = r.seq() + 1;
            last = new AuditHead(r.seq(), r.hash());
        }

        private void check(AuditRecord r) {
            String computed = AuditChain.hash(r.at(), r.entry(), r.prevHash());
            if (!computed.equals(r.hash())) {
                firstBreak = new AuditBreak(r.seq(), AuditBreak.Kind.MODIFIED,
                        "record " + r.seq() + " does not match its hash: its contents were changed");
                return;
            }
            if (!r.prevHash().equals(prevHash)) {
                wanted = r.prevHash();
                if (r.seq() != expectedSeq) {
                    firstBreak = new AuditBreak(expectedSeq, AuditBreak.Kind.DELETED, expectedSeq == 1 && count == 1
                            ? "the log starts at record " + r.seq() + ": records before it were removed"
                            : "records " + expectedSeq + ".." + (r.seq() - 1) + " are missing");
                } else if (count == 1) {
                    firstBreak = new AuditBreak(r.seq(), AuditBreak.Kind.DELETED,
                            "the first record does not link to the genesis hash: earlier records were removed");
                } else {
                    firstBreak = new AuditBreak(r.seq() - 1, AuditBreak.Kind.MODIFIED, "record " + r.seq()
                            + " does not link to record " + (r.seq() - 1) + ": that record was altered and re-hashed or replaced, "
                            + "or records were removed and the rest renumbered");
                }
                return;
            }
            if (r.seq() != expectedSeq) {
                firstBreak = new AuditBreak(expectedSeq, AuditBreak.Kind.MODIFIED,
                        "sequence numbers were altered: expected " + expectedSeq + ", found " + r.seq() + " with an intact link");
            }
        }

        /** Ends verification; {@code head}, if given, must equal the last record read. */
        public AuditVerification finish(Optional<AuditHead> head) {
            if (firstBreak != null && wanted != null && wantedSeen) {
                firstBreak = new AuditBreak(firstBreak.kind() == AuditBreak.Kind.MODIFIED ? firstBreak.seq() + 1 : firstBreak.seq(),
                        AuditBreak.Kind.REORDERED, "records are out of order: the record at this position links to a record "
                        + "that comes later in the log");
            }
            if (firstBreak == null && head != null && head.isPresent()) {
                AuditHead h = head.get();
                if (h.seq() > last.seq()) {
                    firstBreak = new AuditBreak(last.seq() + 1, AuditBreak.Kind.DELETED, "the log ends at record " + last.seq()
                            + " but its head is record " + h.seq() + ": records were removed from the end");
                } else if (h.seq() < last.seq()) {
                    firstBreak = new AuditBreak(h.seq() + 1, AuditBreak.Kind.MODIFIED, "the log has records after its head "
                            + h.seq() + ": they were added outside the store");
                } else if (!h.hash().equals(last.hash())) {
                    firstBreak = new AuditBreak(h.seq(), AuditBreak.Kind.MODIFIED, "the last record's hash differs from the head's");
                }
            }
            return new AuditVerification(count, last, Optional.ofNullable(firstBreak));
        }
    }
}
