package io.consentry.cli.gallery;

import io.consentry.governance.Actor;
import io.consentry.store.Role;
import picocli.CommandLine.Option;

/**
 * Who the local CLI acts as: {@code --as ROLE} and {@code --actor NAME}, both written into every audit record.
 *
 * <p>The local CLI is trusted: whoever can read {@code $CONSENTRY_HOME} can read the key file and the database
 * anyway, so there is no login here. The actor is still passed to the service, so its role matrix applies and every
 * operation is audited under the operator's name. Roles do not nest (an admin cannot enrol or search), so each command
 * acts by default in the one role that holds its permission; {@code --as} overrides it (and a role the matrix does
 * not allow is refused and audited as {@code denied}). Remote callers are authenticated by API key in the REST server.
 */
public final class ActorArgs {
    /** Prefix of local actor ids in the audit log (API key actors are 16 hex digits). */
    public static final String PREFIX = "cli:";
    private static final int MAX_NAME = 100;

    @Option(names = "--as", paramLabel = "ROLE",
            description = "Role to act in: admin, enroller, operator, reviewer or auditor (default: the role that holds this "
                    + "command's permission). Checked against the role matrix and recorded in the audit log.")
    String role;

    @Option(names = "--actor", paramLabel = "NAME",
            description = "Your name in the audit log, recorded as cli:NAME (default: the OS user name). Two reviewers "
                    + "confirming a watchlist hit must use two names.")
    String name;

    /** The actor for a command whose permission {@code defaultRole} holds. */
    Actor actor(Role defaultRole) {
        Role r = role != null ? Role.fromWire(role.strip()) : defaultRole;
        return new Actor(actorId(), r);
    }

    String actorId() {
        String n = name != null ? name.strip() : System.getProperty("user.name", "");
        if (n.isEmpty()) {
            n = "local";
        }
        if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--actor must be 1.." + MAX_NAME + " printable characters");
        }
        return n.startsWith(PREFIX) ? n : PREFIX + n;
    }
}
