package vigil.model;

/** What the advisory says about a fix for the installed package. */
public enum FixState {
    /** A fixed version exists. */
    FIXED,
    /** The vendor has not fixed it yet ("no fix available"). */
    NOT_FIXED,
    /** The vendor decided not to fix it ("will not fix", "end of life", "ignored"). */
    WONT_FIX,
    /** The data does not say. */
    UNKNOWN
}
