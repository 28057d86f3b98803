package vigil.threats.rules.falco;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Falco condition as written. Names are not resolved here: a bare word in a boolean position is a macro
 * reference, a word inside a value list may name a list; the compiler resolves both. Offsets are into the
 * condition's text, for error positions.
 */
public sealed interface Condition {
    int offset();

    record And(List<Condition> operands, int offset) implements Condition {
        public And {
            operands = List.copyOf(operands);
        }
    }

    record Or(List<Condition> operands, int offset) implements Condition {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    record Not(Condition operand, int offset) implements Condition {}

    /** A macro's name: Falco has no boolean literals, a bare word in a boolean position is a macro. */
    record MacroRef(String name, int offset) implements Condition {}

    /** {@code field op value}; for {@code exists} the value is {@link Operand.None}. */
    record Check(FieldRef field, String op, Operand value, int offset) implements Condition {}

    /**
     * A field with its argument ({@code proc.aname[2]}, {@code evt.arg.flags} has none: the name is
     * {@code evt.arg.flags}) and the transformers applied to it, innermost first ({@code tolower(fd.name)}).
     */
    record FieldRef(String name, @Nullable String arg, List<String> transformers, int offset) {
        public FieldRef {
            transformers = List.copyOf(transformers);
        }

        /** As written, for messages and outputs. */
        public String text() {
            String base = arg == null ? name : name + "[" + arg + "]";
            for (String transformer : transformers) {
                base = transformer + "(" + base + ")";
            }
            return base;
        }
    }

    /** The right side of a check. */
    sealed interface Operand {
        record None() implements Operand {}

        /** One value, bare or quoted (quotes removed). */
        record Scalar(String text, boolean quoted) implements Operand {}

        /** {@code (a, b, c)}: bare items may name lists, expanded by the compiler. */
        record Items(List<Scalar> items) implements Operand {
            public Items {
                items = List.copyOf(items);
            }
        }

        /** {@code val(field)}: another field of the same event. */
        record FieldValue(FieldRef field) implements Operand {}
    }
}
