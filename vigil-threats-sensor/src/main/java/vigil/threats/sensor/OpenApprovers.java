package vigil.threats.sensor;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.TreeSet;
import vigil.threats.rules.engine.Approver;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.StringMatcher;
import vigil.threats.rules.policy.RuleSet;

/**
 * The in-kernel approvers of open events (ADR 0045): the literal starts of the paths the rules on opens are about.
 * An open whose path starts with none of them cannot match any rule, so the sensor need not record it. There are
 * none (every open is recorded) as soon as one rule on opens could match some open whatever its path: no approver,
 * an approver on another field, a pattern with no literal start, or a path compared without case.
 */
public final class OpenApprovers {
    /** The program compares at most this many bytes of a path (its key's data, less the NUL). */
    static final int PREFIX_MAX = 127;

    private OpenApprovers() {}

    /** The prefixes, each at most {@link #PREFIX_MAX} bytes, or empty when opens cannot be filtered by path. */
    public static Optional<TreeSet<String>> of(RuleSet rules) {
        TreeSet<String> prefixes = new TreeSet<>();
        for (RuleSet.Loaded rule : rules.rules()) {
            for (Compiler.Compiled variant : rule.variants()) {
                if (!variant.eventType().equals("open")) {
                    continue;
                }
                Approver approver = variant.approver();
                if (approver == null) {
                    return Optional.empty();
                }
                for (Approver.Atom atom : approver.atoms()) {
                    if (!(atom instanceof Approver.Strings paths)
                            || !paths.field().name().equals("open.file.path")
                            || paths.ignoreCase()) {
                        return Optional.empty();
                    }
                    for (String value : paths.values()) {
                        if (!value.startsWith("/")) {
                            return Optional.empty(); // a relative or empty path: not decided in the kernel
                        }
                        prefixes.add(cut(value));
                    }
                    for (StringMatcher pattern : paths.patterns()) {
                        String start = pattern.literalPrefix();
                        if (!start.startsWith("/")) {
                            return Optional.empty();
                        }
                        prefixes.add(cut(start));
                    }
                }
            }
        }
        return Optional.of(prefixes);
    }

    /** The first bytes of a prefix the program compares (a longer one approves more, never less). */
    private static String cut(String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= PREFIX_MAX) {
            return prefix;
        }
        int end = PREFIX_MAX;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // not inside a character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
