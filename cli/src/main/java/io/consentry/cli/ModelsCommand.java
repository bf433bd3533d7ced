package io.consentry.cli;

import io.consentry.engine.Consentry;
import io.consentry.pack.FaceApiPackInstaller;
import io.consentry.pack.ModelEntry;
import io.consentry.pack.ModelPack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code consentry models install|show}. */
@Command(name = "models", description = "Install and inspect model packs.", mixinStandardHelpOptions = true,
        subcommands = {ModelsCommand.Install.class, ModelsCommand.Show.class})
public final class ModelsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Get @vladmandic/face-api@1.7.15 with npm pack (or --from a local tarball), verify its SHA-512, "
                    + "convert its detector, landmark and recognition nets to ONNX, and install the pack atomically.")
    static final class Install implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "FILE.tgz", description = "Install offline from this npm tarball.")
        Path from;

        @Option(names = "--home", paramLabel = "DIR", description = "Consentry home (default: $CONSENTRY_HOME or ~/.consentry).")
        Path home;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path h = home != null ? home.toAbsolutePath() : Consentry.home();
            Path dir = new FaceApiPackInstaller(h, msg -> spec.commandLine().getErr().println(msg)).install(from);
            spec.commandLine().getOut().println(dir);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Verify an installed pack and list its models.")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        EngineArgs engine;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ModelPack pack = ModelPack.open(engine.options().packDir());
            var out = spec.commandLine().getOut();
            out.printf("%s  (%s@%s, license %s, similarity threshold %.2f)%n", pack.manifest().pack(),
                    pack.manifest().source().packageName(), pack.manifest().source().version(), pack.manifest().license(),
                    pack.manifest().similarityThreshold());
            for (ModelEntry m : pack.manifest().models()) {
                out.printf("  %-10s %-24s %-26s input %s %s sha256 %s%n", m.role(), m.adapter(), m.file(), m.input().shape(),
                        m.input().channels(), m.sha256().substring(0, 16) + "…");
            }
            return ExitCodes.OK;
        }
    }
}
