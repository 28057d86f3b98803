package vigil.threats.rules.policy;

import java.util.List;

/**
 * {@code fim.write.file.*}: file integrity monitoring written once for every way a file changes. Datadog's loader
 * rewrites such a rule into one per event type (rules/fim_unix.go, {@code expandFim}); so does this: an open that
 * can write, a chmod that changes the mode, a chown that changes the owner, a link, a rename (its source and its
 * destination), an unlink, a utimes.
 */
final class Fim {
    private static final String PREFIX = "fim.write.file.";

    private Fim() {}

    /** The expressions a rule's expression stands for: itself, or its expansion. */
    static List<String> expand(String expression) {
        if (!expression.contains(PREFIX)) {
            return List.of(expression);
        }
        return List.of(
                "(" + replace(expression, "open.file.")
                        + ") && open.flags & (O_CREAT|O_TRUNC|O_APPEND|O_RDWR|O_WRONLY) > 0",
                "(" + replace(expression, "chmod.file.") + ") && (chmod.file.destination.mode != chmod.file.mode)",
                "(" + replace(expression, "chown.file.") + ") && ((chown.file.destination.uid != -1"
                        + " && chown.file.destination.uid != chown.file.uid) || (chown.file.destination.gid != -1"
                        + " && chown.file.destination.gid != chown.file.gid))",
                replace(expression, "link.file."),
                replace(expression, "rename.file."),
                replace(expression, "rename.file.destination."),
                replace(expression, "unlink.file."),
                replace(expression, "utimes.file."));
    }

    private static String replace(String expression, String prefix) {
        return expression.replace(PREFIX, prefix);
    }
}
