package vigil.posture.engine;

/** What a rule said of one resource. */
public enum Status {
    /** The check held. */
    PASS,
    /** The check did not hold: a misconfiguration finding. */
    FAIL,
    /** The outcome rests on a value not known yet (Terraform's "known after apply"). */
    UNKNOWN,
    /** The rule's {@code applies} was false for this resource. */
    SKIPPED,
    /** The check could not be evaluated (a value of the wrong type, a missing field read without {@code has}). */
    ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
