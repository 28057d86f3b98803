package vigil.cli;

/**
 * Exit codes CI pipelines can gate on. They are part of Vigil's interface: change them only with an ADR.
 */
final class ExitCodes {
    /** Done; nothing at or above {@code --fail-on} was found. */
    static final int OK = 0;
    /** Vulnerabilities at or above the {@code --fail-on} severity were found. */
    static final int FINDINGS = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;
    /** An input (target, SBOM, advisory file) or the advisory database could not be read or fetched. */
    static final int ERROR = 3;
    /** {@code --fail-on} was given but the OS is unknown or unsupported, so Vigil cannot vouch for it. */
    static final int NOT_SCANNABLE = 4;

    private ExitCodes() {}
}
