package vigil.model;

import static java.util.Objects.requireNonNull;

/** Whether Vigil can scan the detected OS for vulnerabilities, and why (never "0 vulnerabilities" in silence). */
public record OsSupport(Level level, String reason) {
    public enum Level {
        /** A release listed in the seed's table. */
        SUPPORTED,
        /** A newer release of a supported family: scanned, with a note. */
        NEWER_RELEASE,
        /** A known OS or release Vigil does not scan (for example Alpine edge, Debian sid). */
        UNSUPPORTED,
        /** No OS could be identified. */
        UNKNOWN,
        /** A supported OS for which the advisory database holds nothing, so a scan could not find anything. */
        NO_ADVISORIES
    }

    public OsSupport {
        requireNonNull(level, "level is null");
        requireNonNull(reason, "reason is null");
    }

    public boolean scannable() {
        return level == Level.SUPPORTED || level == Level.NEWER_RELEASE;
    }

    public static OsSupport supported(String reason) {
        return new OsSupport(Level.SUPPORTED, reason);
    }

    public static OsSupport unknown(String reason) {
        return new OsSupport(Level.UNKNOWN, reason);
    }
}
