package vigil.spi.intake;

/**
 * A batch the server refuses, with the HTTP status that says why: 400 malformed, 403 its agent or image is bound to
 * another API key, 413 beyond a limit of ADR 0015, 503 not now (the agent retries).
 */
public final class IntakeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    public IntakeException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
