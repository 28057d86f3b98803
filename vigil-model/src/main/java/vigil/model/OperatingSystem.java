package vigil.model;

import static java.util.Objects.requireNonNull;

/**
 * A detected operating system: family, release version as the vendor writes it ("12", "3.19.1", "8.9", "2023",
 * "22.04", "15.5") and the human name read from the release files.
 */
public record OperatingSystem(OsFamily family, String version, String prettyName) {
    public OperatingSystem {
        requireNonNull(family, "family is null");
        requireNonNull(version, "version is null");
        requireNonNull(prettyName, "prettyName is null");
    }

    /** Major release: the part of the version before the first dot ("3" of "3.19.1", "8" of "8.9"). */
    public String majorVersion() {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    /** Major.minor release ("3.19" of "3.19.1"); the whole version when it has fewer parts. */
    public String minorVersion() {
        int first = version.indexOf('.');
        if (first < 0) {
            return version;
        }
        int second = version.indexOf('.', first + 1);
        return second < 0 ? version : version.substring(0, second);
    }

    /** The distro qualifier of a purl, e.g. {@code debian-12}. */
    public String purlDistro() {
        return family.purlNamespace() + "-" + version;
    }
}
