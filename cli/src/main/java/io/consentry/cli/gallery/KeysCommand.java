package io.consentry.cli.gallery;

import io.consentry.store.ApiKey;
import io.consentry.store.IssuedApiKey;
import io.consentry.store.Role;
import io.consentry.store.crypto.DeploymentKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code consentry keys rotate|rekey|generate|api create|api list|api revoke} (admin). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Template protection keys and REST API keys (admin).",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Rekey.class, KeysCommand.Generate.class, KeysCommand.Api.class})
public final class KeysCommand extends CommandGroup {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "New AES-256 key; every template re-encrypted in one transaction; search unchanged (admin). "
                    + "Refused when the key comes from CONSENTRY_KEY.")
    public static final class Rotate extends GalleryCommand {
        public Rotate() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            String before = ctx.service().store().activeKeyId();
            ctx.service().rotateKeys(ctx.actor());
            return rotated(this, "rotated", before, ctx.service().store().activeKeyId());
        }
    }

    @Command(name = "rekey", mixinStandardHelpOptions = true,
            description = "New AES-256 key and new secret orthogonal transform: templates migrated to the new search space "
                    + "in one transaction, so every earlier copy of the database and key (backups, stolen files) no longer "
                    + "matches this deployment (admin). Back up the new key file.")
    public static final class Rekey extends GalleryCommand {
        public Rekey() {
            super(Role.ADMIN);
        }

        @Override
        int run(GalleryContext ctx) throws Exception {
            String before = ctx.service().store().activeKeyId();
            ctx.service().rekey(ctx.actor());
            return rotated(this, "rekeyed", before, ctx.service().store().activeKeyId());
        }
    }

    static int rotated(GalleryCommand cmd, String what, String before, String after) throws Exception {
        if (cmd.json) {
            cmd.printJson(GalleryJson.object().put("previousKeyId", before).put("keyId", after));
        } else {
            cmd.out().printf("%s: key %s -> %s; back up the key file (separately from the database)%n", what, before, after);
        }
        return GalleryExitCodes.OK;
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Print fresh key material (base64 of a 256-bit AES key and a 256-bit transform seed) for the "
                    + "CONSENTRY_KEY environment variable of a new deployment. Touches no gallery.")
    public static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(DeploymentKeys.generateBase64());
            return GalleryExitCodes.OK;
        }
    }

    @Command(name = "api", mixinStandardHelpOptions = true,
            description = "API keys for the REST server: one per person or system, each with one role (admin).",
            subcommands = {Api.Create.class, Api.ListCmd.class, Api.Revoke.class})
    public static final class Api extends CommandGroup {

        @Command(name = "create", mixinStandardHelpOptions = true,
                description = "Create an API key (admin). The secret is printed once and stored only as its SHA-256.")
        public static final class Create extends GalleryCommand {
            @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what holds it.")
            String name;

            @Option(names = "--role", required = true, paramLabel = "ROLE",
                    description = "admin, enroller, operator, reviewer or auditor.")
            String role;

            public Create() {
                super(Role.ADMIN);
            }

            @Override
            int run(GalleryContext ctx) throws Exception {
                IssuedApiKey k = ctx.service().createApiKey(ctx.actor(), name, Role.fromWire(role.strip()));
                if (json) {
                    printJson(GalleryJson.apiKey(k.key()).put("secret", k.secret()));
                } else {
                    out().printf("api key %s '%s' (%s)%nsecret (shown once, hand it over and do not store it here): %s%n",
                            k.key().id(), k.key().name(), k.key().role().wireName(), k.secret());
                }
                return GalleryExitCodes.OK;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys, never their secrets (admin).")
        public static final class ListCmd extends GalleryCommand {
            public ListCmd() {
                super(Role.ADMIN);
            }

            @Override
            int run(GalleryContext ctx) throws Exception {
                List<ApiKey> keys = ctx.service().apiKeys(ctx.actor());
                if (json) {
                    var a = GalleryJson.array();
                    keys.forEach(k -> a.add(GalleryJson.apiKey(k)));
                    printJson(a);
                    return GalleryExitCodes.OK;
                }
                if (keys.isEmpty()) {
                    out().println("no API keys");
                }
                for (ApiKey k : keys) {
                    out().printf("%s  %-9s %-30s created %s%s%n", k.id(), k.role().wireName(), CliValues.cut(k.name(), 30), k.createdAt(),
                            k.revokedAt().map(r -> "  revoked " + r).orElse(""));
                }
                return GalleryExitCodes.OK;
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key now (admin).")
        public static final class Revoke extends GalleryCommand {
            @Parameters(index = "0", paramLabel = "KEY", description = "API key id.")
            String id;

            public Revoke() {
                super(Role.ADMIN);
            }

            @Override
            int run(GalleryContext ctx) throws Exception {
                ApiKey k = ctx.service().revokeApiKey(ctx.actor(), id);
                if (json) {
                    printJson(GalleryJson.apiKey(k));
                } else {
                    out().printf("revoked api key %s '%s' (%s)%n", k.id(), k.name(), k.role().wireName());
                }
                return GalleryExitCodes.OK;
            }
        }
    }
}
