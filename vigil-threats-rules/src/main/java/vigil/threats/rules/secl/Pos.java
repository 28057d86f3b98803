package vigil.threats.rules.secl;

/**
 * Where a piece of an expression starts: line and column from 1, counted in the expression's own text (a policy adds
 * the line and column its expression starts at). Every position equals every other: two trees that differ only in
 * layout are equal, which is what a parse of a printed tree must give back.
 */
public record Pos(int line, int column) {
    public static final Pos NONE = new Pos(0, 0);

    @Override
    public boolean equals(Object other) {
        return other instanceof Pos;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }

    /** This position in a text that starts at {@code start} of an enclosing file. */
    public Pos within(Pos start) {
        return line == 1
                ? new Pos(start.line(), start.column() + column - 1)
                : new Pos(start.line() + line - 1, column);
    }
}
