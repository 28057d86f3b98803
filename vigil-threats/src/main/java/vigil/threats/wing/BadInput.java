package vigil.threats.wing;

/** A request's parameter or field that is wrong, with a message naming it; answered 400. */
public final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
        super(message);
    }
}
