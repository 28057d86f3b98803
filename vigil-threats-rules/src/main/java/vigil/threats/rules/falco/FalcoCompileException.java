package vigil.threats.rules.falco;

/** A condition that parses but is wrong: an undefined macro, a value of the wrong type; where, and why. */
public final class FalcoCompileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String location;

    public FalcoCompileException(String location, String message) {
        super(message);
        this.location = location;
    }

    /** {@code file:line:col}. */
    public String location() {
        return location;
    }
}
