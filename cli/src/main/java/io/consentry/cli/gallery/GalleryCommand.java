package io.consentry.cli.gallery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.consentry.cli.EngineArgs;
import io.consentry.store.GalleryException;
import io.consentry.store.Role;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of the gallery commands: the shared options ({@link EngineArgs}: {@code --home}, {@code --pack}, …;
 * {@link ActorArgs}: {@code --as}, {@code --actor}; {@code --json}), opening the {@link GalleryContext}, and turning a
 * {@link GalleryException} into one line on stderr ({@code consentry: <message> [<code>]}) and an exit code
 * ({@link GalleryExitCodes#of}). Other exceptions (missing file, bad option value) go to the root command's handler.
 * A subclass only parses, makes its call in {@link #run} and prints.
 */
abstract class GalleryCommand implements Callable<Integer> {
    @Mixin
    EngineArgs engineArgs;

    @Mixin
    ActorArgs actorArgs;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Role defaultRole;

    /** @param defaultRole the role holding this command's permission (used unless {@code --as} is given) */
    GalleryCommand(Role defaultRole) {
        this.defaultRole = defaultRole;
    }

    /** The command's work; returns the exit code. */
    abstract int run(GalleryContext ctx) throws Exception;

    /** Work that needs no gallery (e.g. checking an exported file): an exit code, or null to open it and {@link #run}. */
    Integer offline() throws Exception {
        return null;
    }

    @Override
    public final Integer call() throws Exception {
        Integer done = offline();
        if (done != null) {
            return done;
        }
        try (GalleryContext ctx = GalleryContext.open(engineArgs, actorArgs.actor(defaultRole), err())) {
            return run(ctx);
        } catch (GalleryException e) {
            return fail(e);
        }
    }

    /** Reports {@code e} on one stderr line and returns its exit code. */
    int fail(GalleryException e) {
        err().println("consentry: " + e.getMessage() + " [" + e.code().wireName() + "]");
        if (System.getenv("CONSENTRY_DEBUG") != null) {
            e.printStackTrace(err());
        }
        return GalleryExitCodes.of(e.code());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as one line of JSON. */
    void printJson(Object value) throws JsonProcessingException {
        out().println(GalleryJson.MAPPER.writeValueAsString(value));
        out().flush();
    }
}
