package vigil.threats.rules.falco;

/**
 * A condition that asks for what Vigil cannot provide: a field it has no value for, a syscall it does not observe, a
 * construct it does not evaluate. {@code what} names it, so unsupported rules can be grouped by it.
 */
public final class UnsupportedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String what;
    private final String reason;

    public UnsupportedException(String what, String reason) {
        super(what + ": " + reason);
        this.what = what;
        this.reason = reason;
    }

    public String what() {
        return what;
    }

    /** Why, without {@link #what()} before it (the message has both). */
    public String reason() {
        return reason;
    }
}
