package vigil.inventory;

/** A target or one of its databases cannot be read; the message names the input and the problem. */
public class InventoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InventoryException(String message) {
        super(message);
    }

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
