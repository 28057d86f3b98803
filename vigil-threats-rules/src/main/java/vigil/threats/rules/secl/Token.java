package vigil.threats.rules.secl;

/** One token of an expression: its kind, its text (unquoted for strings), where it starts. */
record Token(Kind kind, String text, Pos pos) {
    enum Kind {
        IDENT,
        INT,
        DURATION,
        STRING,
        PATTERN,
        REGEX,
        IP,
        CIDR,
        VARIABLE,
        /** An operator or punctuation: {@code == != <= >= < > =~ !~ && || & | ^ ! + - ( ) [ ] ,}. */
        OP,
        END
    }

    boolean is(Kind kind, String text) {
        return this.kind == kind && this.text.equals(text);
    }

    boolean isOp(String text) {
        return is(Kind.OP, text);
    }

    /** Whether it is the word {@code word} ({@code and}, {@code or}, {@code not}, {@code in}, {@code allin}). */
    boolean isWord(String word) {
        return is(Kind.IDENT, word);
    }
}
