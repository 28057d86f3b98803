package vigil.posture.model;

/**
 * A value that exists but is not known yet: Terraform's "known after apply". A rule whose outcome depends on it
 * gives {@code unknown}, never a pass or a fail decided on a made-up value.
 */
public enum Unknown {
    VALUE;

    @Override
    public String toString() {
        return "(known after apply)";
    }
}
