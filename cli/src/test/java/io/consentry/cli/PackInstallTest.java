package io.consentry.cli;

import io.consentry.engine.EngineOptions;
import io.consentry.engine.FaceEngine;
import io.consentry.pack.FaceApiPackInstaller;
import io.consentry.pack.ModelPack;
import io.consentry.pack.PackException;
import io.consentry.testing.TestPacks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code consentry models install --from} with the real npm tarball into a fresh home: install, idempotent
 * re-install, and recovery from a killed install (a stale partial folder plus a pack folder with a truncated model).
 * The tests share one home and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackInstallTest {
    @TempDir
    static Path tmp;
    static Path tgz;
    static Path home;

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = ConsentryCli.run(args, o, e);
        }
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void fetchTarball() throws Exception {
        Path dl = Files.createDirectories(tmp.resolve("npm"));
        String spec = FaceApiPackInstaller.PACKAGE + "@" + FaceApiPackInstaller.VERSION;
        Process p = new ProcessBuilder("npm", "pack", spec, "--silent", "--pack-destination", dl.toString())
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "npm pack timed out");
        assertEquals(0, p.exitValue(), "npm pack failed: " + output);
        try (Stream<Path> s = Files.list(dl)) {
            tgz = s.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow(() -> new AssertionError("no tarball: " + output));
        }
        home = Files.createDirectories(tmp.resolve("home"));
    }

    static Path packDir() {
        return home.resolve("models").resolve(FaceApiPackInstaller.PACK_ID);
    }

    static Result install() {
        return cli("models", "install", "--from", tgz.toString(), "--home", home.toString());
    }

    static void assertShowListsThreeModels() {
        Result show = cli("models", "show", "--home", home.toString());
        assertEquals(ExitCodes.OK, show.code(), show::toString);
        assertTrue(show.out().startsWith(FaceApiPackInstaller.PACK_ID), show::toString);
        long models = show.out().lines().filter(l -> l.startsWith("  ")).count();
        assertEquals(3, models, show::toString);
        for (String role : new String[] {"detector", "landmarks", "descriptor"}) {
            assertTrue(show.out().contains(role), show::toString);
        }
    }

    /** sha256 of every regular file under {@code root}, by relative path. */
    static Map<String, String> checksums(Path root) throws IOException, PackException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(f).toString(), ModelPack.sha256(f));
            }
        }
        return m;
    }

    @Test
    @Order(1)
    void installFromTarball() throws Exception {
        Result r = install();
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertEquals(packDir().toString(), r.out().strip());
        assertTrue(Files.isRegularFile(packDir().resolve(ModelPack.MANIFEST)));
        assertShowListsThreeModels();
        // nothing but the pack is left in models/ (the partial build folder is gone)
        try (Stream<Path> s = Files.list(home.resolve("models"))) {
            assertEquals(java.util.List.of(packDir()), s.toList());
        }
        // the installed pack is the same as the one the shared fixture built with the same installer
        Path fixture = TestPacks.faceApi().dir();
        Map<String, String> mine = checksums(packDir());
        Map<String, String> theirs = checksums(fixture);
        for (String onnx : new String[] {"ssd_mobilenetv1.onnx", "face_landmark_68.onnx", "face_recognition.onnx"}) {
            assertEquals(theirs.get(onnx), mine.get(onnx), onnx + " differs from the fixture pack's (conversion not deterministic?)");
        }
    }

    @Test
    @Order(2)
    void reinstallIsANoOp() throws Exception {
        Map<String, String> before = checksums(home.resolve("models"));
        Map<Path, java.nio.file.attribute.FileTime> mtimes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(packDir())) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                mtimes.put(f, Files.getLastModifiedTime(f));
            }
        }
        long t0 = System.nanoTime();
        Result r = install();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue((r.out() + r.err()).contains("already installed"), r::toString);
        assertEquals(before, checksums(home.resolve("models")), "re-install changed files");
        for (Map.Entry<Path, java.nio.file.attribute.FileTime> e : mtimes.entrySet()) {
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), "re-install rewrote " + e.getKey());
        }
        assertTrue(ms < 20_000, "a no-op install took " + ms + " ms");
        assertShowListsThreeModels();
    }

    @Test
    @Order(3)
    void aPackFromAnOlderVersionWithAnotherThresholdIsReplaced() throws Exception {
        Path manifest = packDir().resolve(ModelPack.MANIFEST);
        String current = Files.readString(manifest);
        assertTrue(current.contains("\"similarityThreshold\" : 0.91"), current);
        // what an earlier build wrote: the same models with the old default threshold
        Files.writeString(manifest, current.replace("\"similarityThreshold\" : 0.91", "\"similarityThreshold\" : 0.82"));
        Result r = install();
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue((r.out() + r.err()).contains("older version"), r::toString);
        assertEquals(0.91, ModelPack.open(packDir()).manifest().similarityThreshold());
    }

    @Test
    @Order(4)
    void killedInstallIsRefusedThenRepaired() throws Exception {
        // a killed install: a partial build folder with a half-written model and no manifest ...
        Path partial = Files.createDirectories(home.resolve("models").resolve("." + FaceApiPackInstaller.PACK_ID + ".partial-123").resolve("pack"));
        byte[] rec = Files.readAllBytes(packDir().resolve("face_recognition.onnx"));
        Files.write(partial.resolve("face_recognition.onnx"), java.util.Arrays.copyOf(rec, rec.length / 2));
        // ... and a pack folder whose manifest exists but one of whose models is truncated
        Path lm = packDir().resolve("face_landmark_68.onnx");
        byte[] lmBytes = Files.readAllBytes(lm);
        Files.write(lm, java.util.Arrays.copyOf(lmBytes, lmBytes.length / 3));
        assertTrue(Files.isRegularFile(packDir().resolve(ModelPack.MANIFEST)));

        PackException ex = assertThrows(PackException.class,
                () -> FaceEngine.open(EngineOptions.builder().optPackDir(packDir()).build()).close());
        assertTrue(ex.getMessage().contains("face_landmark_68.onnx"), ex.getMessage());

        Result show = cli("models", "show", "--home", home.toString());
        assertEquals(ExitCodes.MODEL, show.code(), show::toString);
        assertTrue(show.err().contains("face_landmark_68.onnx") && show.err().contains("checksum"), show::toString);
        assertFalse(show.err().contains("\tat "), show::toString);

        Result detect = cli("detect", TestPacks.reference().resolve("images/sample1.jpg").toString(), "--home", home.toString());
        assertEquals(ExitCodes.MODEL, detect.code(), detect::toString);

        // the partial folder is never taken for a pack
        Result showPartial = cli("models", "show", "--pack", partial.toString());
        assertEquals(ExitCodes.MODEL, showPartial.code(), showPartial::toString);
        assertThrows(PackException.class, () -> ModelPack.open(partial));

        Result repair = install();
        assertEquals(ExitCodes.OK, repair.code(), repair::toString);
        assertTrue(repair.err().contains("reinstalling"), repair::toString);
        assertEquals(ExitCodes.OK, cli("models", "show", "--home", home.toString()).code());
        assertShowListsThreeModels();
        assertEquals(ModelPack.sha256(lmBytes), ModelPack.sha256(lm), "the truncated model was not restored");
        try (FaceEngine engine = FaceEngine.open(EngineOptions.builder().optPackDir(packDir()).build())) {
            assertEquals(FaceApiPackInstaller.PACK_ID, engine.embedder().modelId());
        }
        // no stray pack-like folder: only the pack has a manifest
        try (Stream<Path> walk = Files.walk(home.resolve("models"))) {
            assertEquals(java.util.List.of(packDir().resolve(ModelPack.MANIFEST)),
                    walk.filter(p -> p.getFileName().toString().equals(ModelPack.MANIFEST)).toList());
        }
    }
}
