package io.consentry.cli;

import io.consentry.ConsentryException;
import io.consentry.image.BadImageException;
import io.consentry.onnx.OnnxModelException;
import io.consentry.pack.PackException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code consentry}: face detection, descriptors and comparison from the command line.
 * Exit codes: see {@link ExitCodes}.
 */
@Command(name = "consentry", mixinStandardHelpOptions = true, version = "consentry 0.1.0",
        description = "Self-hosted, accountable face recognition on the JVM.",
        subcommands = {ModelsCommand.class, DetectCommand.class, EmbedCommand.class, CompareCommand.class, BenchCommand.class, EvalCommand.class, CalibrateCommand.class,
                io.consentry.cli.gallery.CollectionsCommand.class, io.consentry.cli.gallery.SubjectsCommand.class,
                io.consentry.cli.gallery.ConsentsCommand.class, io.consentry.cli.gallery.EnrolCommand.class,
                io.consentry.cli.gallery.IdentifyCommand.class, io.consentry.cli.gallery.VerifyCommand.class,
                io.consentry.cli.gallery.ReviewCommand.class, io.consentry.cli.gallery.AuthorisationsCommand.class,
                io.consentry.cli.gallery.AuditCommand.class, io.consentry.cli.gallery.KeysCommand.class,
                io.consentry.cli.gallery.RetentionCommand.class, ServeCommand.class,
                io.consentry.cli.gallery.WatchCommand.class, io.consentry.cli.gallery.RedactCommand.class,
                io.consentry.cli.gallery.SearchVideoCommand.class,
                CommandLine.HelpCommand.class})
public final class ConsentryCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ConsentryCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("consentry: " + message(ex));
            if (System.getenv("CONSENTRY_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return exitCode(ex);
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("consentry: out of memory; lower --max-pixels or raise the JVM heap (-Xmx)");
            return ExitCodes.INTERNAL;
        }
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof BadImageException || ex instanceof java.nio.file.NoSuchFileException || ex instanceof java.io.FileNotFoundException) {
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof PackException || ex instanceof OnnxModelException) {
            return ExitCodes.MODEL;
        }
        if (ex instanceof ConsentryException || ex instanceof java.io.IOException) {
            return ExitCodes.BAD_INPUT;
        }
        if (ex instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.INTERNAL;
    }

    static String message(Throwable ex) {
        if (ex instanceof ConsentryException || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        if (ex instanceof java.nio.file.NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (ex instanceof java.io.IOException) {
            return "I/O error: " + ex.getMessage();
        }
        return "internal error (" + ex.getClass().getSimpleName() + (ex.getMessage() != null ? ": " + ex.getMessage() : "")
                + "); rerun with CONSENTRY_DEBUG=1 for details";
    }
}
