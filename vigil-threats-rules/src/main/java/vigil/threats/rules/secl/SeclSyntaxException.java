package vigil.threats.rules.secl;

/** An expression that is not SECL: what was expected, and where. */
public final class SeclSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Pos pos;

    public SeclSyntaxException(Pos pos, String message) {
        super(pos + ": " + message);
        this.pos = pos;
    }

    public Pos pos() {
        return pos;
    }

    /** The message without its position. */
    public String reason() {
        String message = getMessage();
        int colon = message == null ? -1 : message.indexOf(": ");
        return colon < 0 || message == null ? String.valueOf(message) : message.substring(colon + 2);
    }
}
