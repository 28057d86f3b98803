package vigil.versions;

import java.util.Comparator;
import java.util.Locale;

/** A version scheme: a total order over the version strings of one package ecosystem. */
public enum VersionScheme implements Comparator<String> {
    /** dpkg: {@code [epoch:]upstream[-revision]}, ordered as {@code dpkg --compare-versions}. */
    DEB,
    /** rpm: {@code [epoch:]version[-release]}, ordered as rpm's rpmvercmp on epoch, version, release. */
    RPM,
    /** apk-tools: {@code 1.2.3_rc1-r0}, ordered as {@code apk version -t}. */
    APK;

    /**
     * Orders two versions of this scheme; throws {@link IllegalArgumentException} naming the version when one
     * cannot be a version at all (empty, or a non-numeric epoch). Versions the ecosystem merely warns about are
     * ordered as its tools order them.
     */
    @Override
    public int compare(String left, String right) {
        return switch (this) {
            case DEB -> DebVersion.compare(left, right);
            case RPM -> RpmVersion.compare(left, right);
            case APK -> ApkVersion.compare(left, right);
        };
    }

    /** Whether the ecosystem's own tools accept {@code version} without complaint. */
    public boolean isValid(String version) {
        try {
            return switch (this) {
                case DEB -> {
                    DebVersion.Parts parts = DebVersion.parse(version);
                    yield Character.isDigit(parts.upstream().charAt(0));
                }
                case RPM -> !RpmVersion.parse(version).version().isEmpty();
                case APK -> ApkVersion.isValid(version);
            };
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The scheme of a purl type ({@code deb}, {@code rpm}, {@code apk}). */
    public static VersionScheme forPurlType(String purlType) {
        return switch (purlType.toLowerCase(Locale.ROOT)) {
            case "deb" -> DEB;
            case "rpm" -> RPM;
            case "apk" -> APK;
            default -> throw new IllegalArgumentException("no version scheme for package type '" + purlType + "'");
        };
    }
}
