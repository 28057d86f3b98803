package vigil.threats.rules.engine;

import java.util.List;
import java.util.Set;
import vigil.threats.rules.event.Field;

/**
 * Conditions, one of which every event a rule matches meets: what lets an index skip the rule for most events without
 * running it (Datadog's "approvers"; part 2 pushes the same values into the sensor). A rule {@code a && b} takes the
 * more selective of its parts' approvers, a rule {@code a || b} both (each of its matches meets one of them).
 */
public record Approver(List<Atom> atoms) {
    public Approver {
        atoms = List.copyOf(atoms);
    }

    /** One condition on one field of the event. */
    public sealed interface Atom {
        Field field();

        /** How little it lets through, roughly (lower is more selective): what picks among a rule's conditions. */
        int weight();
    }

    /**
     * The string field equals one of {@code values} (folded when the field ignores case) or matches one of
     * {@code patterns}.
     */
    public record Strings(Field field, Set<String> values, List<StringMatcher> patterns, boolean ignoreCase)
            implements Atom {
        public Strings {
            values = Set.copyOf(values);
            patterns = List.copyOf(patterns);
        }

        /**
         * Names, paths and hosts identify what an event is about: a set of them, however large, lets few events
         * through (one lookup decides). The empty string is what most events have (an absent field, a host
         * process's container): a poor one.
         */
        @Override
        public int weight() {
            int weight = values.isEmpty() ? 0 : values.contains("") ? 34 : 2;
            for (StringMatcher pattern : patterns) {
                // an index finds a pattern by its literal start or end; one with neither runs for every event
                weight += pattern.literalPrefix().isEmpty()
                                && pattern.literalSuffix().isEmpty()
                        ? 64
                        : 4;
            }
            return weight;
        }
    }

    /** The integer field equals one of {@code values}. */
    public record Ints(Field field, Set<Long> values) implements Atom {
        public Ints {
            values = Set.copyOf(values);
        }

        /**
         * Integers classify more than they identify (ports, families, ids: 443 is most connections' port), and zero
         * is what most events have (an absent field, root's id): a poorer approver than names.
         */
        @Override
        public int weight() {
            return 8 + values.size() + (values.contains(0L) ? 32 : 0);
        }
    }

    /** The integer field has one of the bits of {@code mask} ({@code open.flags & O_CREAT > 0}). */
    public record Flags(Field field, long mask) implements Atom {
        @Override
        public int weight() {
            return 16;
        }
    }

    /** The boolean field is true (one of its values, for a field of several). */
    public record True(Field field) implements Atom {
        @Override
        public int weight() {
            return 24;
        }
    }

    /**
     * The field (of one value) is not its zero value: a string that is not empty ({@code process.container.id !=
     * ""}), an integer that is not 0 ({@code cgroup.file.inode != 0}).
     */
    public record NotZero(Field field) implements Atom {
        @Override
        public int weight() {
            return 48;
        }
    }

    int weight() {
        int weight = 0;
        for (Atom atom : atoms) {
            weight += atom.weight();
        }
        return weight;
    }
}
