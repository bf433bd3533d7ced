package io.consentry.cli.gallery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.cli.ConsentryCli;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code consentry} in-process through {@link ConsentryCli#run}, adding {@code --home HOME --pack PACK} to every
 * gallery command so that nothing under {@code ~/.consentry} is touched and no pack is installed.
 */
final class GalleryCli {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The commands of this package, as they must be registered on the root command. */
    static final List<String> COMMANDS = List.of("collections", "subjects", "consents", "enrol", "identify", "verify", "review",
            "authorisations", "audit", "keys", "retention");

    private final Path home;
    private final Path pack;

    GalleryCli(Path home, Path pack) {
        this.home = home;
        this.pack = pack;
    }

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON:\n" + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Whether {@link ConsentryCli} registers the gallery commands yet. */
    static boolean registered() {
        return new CommandLine(new ConsentryCli()).getSubcommands().keySet().containsAll(COMMANDS);
    }

    /** {@code consentry args... --home HOME --pack PACK}. */
    Result run(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--home", home.toString(), "--pack", pack.toString()));
        return raw(a.toArray(String[]::new));
    }

    /** {@code consentry args...} as given. */
    static Result raw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = ConsentryCli.run(args, o, e);
        }
        return new Result(code, out.toString(), err.toString());
    }

    /** Exit 0, else fails showing both streams. */
    Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + "\n" + r);
        return r;
    }

    /** The expected exit code with exactly one stderr line "consentry: …" and no stack trace; returns that line. */
    static String assertOneLineError(Result r, int expectedCode) {
        assertEquals(expectedCode, r.code(), r::toString);
        assertFalse(r.err().contains("\tat "), () -> "stack trace:\n" + r);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), () -> "expected a one-line error:\n" + r);
        assertTrue(lines.get(0).startsWith("consentry: "), r::toString);
        return lines.get(0);
    }

    /** The LFW photos of {@code person} ({@code datasets/lfw/<person>}), sorted by name. */
    static List<Path> lfw(Path shared, String person) {
        try (Stream<Path> s = Files.list(shared.resolve("datasets/lfw").resolve(person))) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
