package vigil.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An OS package found installed in a package database.
 *
 * <p>{@code version} and {@code release} are kept apart as the database stores them: for rpm the VERSION and
 * RELEASE tags; for deb the upstream version and the Debian revision; for apk the whole {@code 1.2.3-r0} in
 * {@code version} and no release. {@link #evr()} rebuilds the string the ecosystem's version scheme compares.
 *
 * @param sourceName source package (deb {@code Source:}, rpm SOURCERPM name, apk origin); null when the database
 *     does not say, in which case the binary name is the source name
 * @param sourceVersion the source package's full version in the same form as {@link #evr()}, when it differs
 * @param files paths this package owns, absolute, as the database records them
 */
public record InstalledPackage(
        PackageType type,
        String name,
        @Nullable Integer epoch,
        String version,
        @Nullable String release,
        @Nullable String arch,
        @Nullable String sourceName,
        @Nullable String sourceVersion,
        List<String> licenses,
        List<String> files,
        String purl) {

    public InstalledPackage {
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        licenses = List.copyOf(licenses);
        files = List.copyOf(files);
        requireNonNull(purl, "purl is null");
    }

    /** The full comparable version: {@code [epoch:]version[-release]}. */
    public String evr() {
        StringBuilder out = new StringBuilder();
        if (epoch != null && epoch != 0) {
            out.append(epoch).append(':');
        }
        out.append(version);
        if (release != null && !release.isEmpty()) {
            out.append('-').append(release);
        }
        return out.toString();
    }

    /** The source package name, falling back to the binary name. */
    public String effectiveSourceName() {
        return sourceName == null || sourceName.isEmpty() ? name : sourceName;
    }

    /** The source package version, falling back to this package's version. */
    public String effectiveSourceVersion() {
        return sourceVersion == null || sourceVersion.isEmpty() ? evr() : sourceVersion;
    }

    public InstalledPackage withPurl(String newPurl) {
        return new InstalledPackage(
                type, name, epoch, version, release, arch, sourceName, sourceVersion, licenses, files, newPurl);
    }
}
