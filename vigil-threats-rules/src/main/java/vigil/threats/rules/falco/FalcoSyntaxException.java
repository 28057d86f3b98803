package vigil.threats.rules.falco;

/** A condition that does not parse: the offset into its text, and why. */
public final class FalcoSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public FalcoSyntaxException(int offset, String message) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
