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

    @Override
    public int compare(String left, String right) {
        throw new UnsupportedOperationException("version comparison for " + this + " is being written");
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
