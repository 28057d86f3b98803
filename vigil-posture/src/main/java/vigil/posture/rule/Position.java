package vigil.posture.rule;

import static java.util.Objects.requireNonNull;

/** A place in a rule file: 1-based line and column, as editors count them. */
public record Position(String file, int line, int column) {
    public Position {
        requireNonNull(file, "file is null");
    }

    /** {@code column} characters further on the same line. */
    public Position shift(int lines, int columns) {
        return new Position(file, line + lines, lines == 0 ? column + columns : columns + 1);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
