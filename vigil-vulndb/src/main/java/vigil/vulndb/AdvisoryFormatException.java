package vigil.vulndb;

/** An advisory input is not in the expected format; the message names the file and the problem. */
public class AdvisoryFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdvisoryFormatException(String message) {
        super(message);
    }

    public AdvisoryFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
