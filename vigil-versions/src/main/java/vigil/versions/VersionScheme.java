package vigil.versions;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A version scheme: a total order over the version strings of one package ecosystem. */
public enum VersionScheme implements Comparator<String> {
    /** dpkg: {@code [epoch:]upstream[-revision]}, ordered as {@code dpkg --compare-versions}. */
    DEB,
    /** rpm: {@code [epoch:]version[-release]}, ordered as rpm's rpmvercmp on epoch, version, release. */
    RPM,
    /** apk-tools: {@code 1.2.3_rc1-r0}, ordered as {@code apk version -t}. */
    APK;

    /**
     * Orders two versions of this scheme as the ecosystem's reference tool does ({@code dpkg --compare-versions},
     * rpm's labelCompare, apk-tools 3); throws {@link IllegalArgumentException} naming the version when the tool
     * refuses it (deb: a bad epoch, an empty part; rpm: the empty string). Versions the tool merely warns about, and
     * malformed apk versions, are ordered as the tool orders them: use {@link #compareChecked} where that matters.
     */
    @Override
    public int compare(String left, String right) {
        return switch (this) {
            case DEB -> DebVersion.compare(left, right);
            case RPM -> RpmVersion.compare(left, right);
            case APK -> ApkVersion.compare(left, right);
        };
    }

    /**
     * The order of {@link #compare}, with the reason to doubt it when it rests on a malformed version (see
     * {@link #problem}): the reference tool answers, but what it answers says nothing about which release is
     * older. An apk version that goes wrong only after the versions already differ is not doubted (1.2.3_foo is
     * older than 1.2.4 whatever _foo means). Throws as {@link #compare} does.
     */
    public Comparison compareChecked(String left, String right) {
        if (this == APK) {
            ApkVersion.Checked checked = ApkVersion.compareChecked(left, right);
            return new Comparison(checked.order(), checked.restsOnMalformedPart() ? doubt(left, right) : null);
        }
        if (this == DEB) {
            return DebVersion.compareChecked(left, right);
        }
        int order = compare(left, right);
        return new Comparison(
                order, problem(left).isPresent() || problem(right).isPresent() ? doubt(left, right) : null);
    }

    private @Nullable String doubt(String left, String right) {
        Optional<String> first = problem(left);
        return first.isPresent() ? first.get() : problem(right).orElse(null);
    }

    /** An order ({@code < 0}, {@code 0}, {@code > 0}) and, when it cannot be trusted, why. */
    public record Comparison(int order, @Nullable String doubt) {
        public boolean trusted() {
            return doubt == null;
        }
    }

    /** Whether the ecosystem's own tools accept {@code version} without complaint. */
    public boolean isValid(String version) {
        return problem(version).isEmpty();
    }

    /**
     * Why the ecosystem's tools refuse {@code version} or warn about it, naming the version and what is wrong;
     * empty when they accept it.
     */
    public Optional<String> problem(String version) {
        return switch (this) {
            case DEB -> DebVersion.problem(version);
            case RPM -> rpmProblem(version);
            case APK -> ApkVersion.problem(version);
        };
    }

    private static Optional<String> rpmProblem(String version) {
        try {
            return RpmVersion.parse(version).version().isEmpty()
                    ? Optional.of("rpm version '" + version + "' has an empty version part")
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage() == null ? "rpm refuses '" + version + "'" : e.getMessage());
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
