package vigil.threats.rules.engine;

import vigil.threats.rules.secl.Pos;

/** An expression that parses but cannot be evaluated: an unknown name, a type mismatch; where, and why. */
public final class CompileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Pos pos;
    private final Kind kind;

    /** Why: an error in the rule, or something this engine or its sensor does not provide. */
    public enum Kind {
        ERROR,
        UNSUPPORTED
    }

    public CompileException(Pos pos, String message) {
        this(pos, Kind.ERROR, message);
    }

    public CompileException(Pos pos, Kind kind, String message) {
        super(message);
        this.pos = pos;
        this.kind = kind;
    }

    public Pos pos() {
        return pos;
    }

    public Kind kind() {
        return kind;
    }
}
