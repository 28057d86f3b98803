package vigil.inventory.os;

import java.util.List;
import java.util.Locale;
import vigil.model.OperatingSystem;
import vigil.model.OsSupport;

/**
 * The seed's table of operating systems supported for vulnerability scanning, as data, and the judgement of one
 * detected release against it: supported, a newer release of a supported family (scanned, with a note), or
 * unsupported with the reason.
 */
public final class SupportTable {
    private SupportTable() {}

    /** One row: the releases listed for a family, compared on the given precision. */
    private record Row(List<String> releases, boolean byMinor, String listed) {}

    private static Row row(OperatingSystem os) {
        return switch (os.family()) {
            case ALPINE ->
                new Row(
                        List.of(
                                "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.0", "3.1", "3.2", "3.3", "3.4", "3.5",
                                "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "3.16",
                                "3.17", "3.18", "3.19"),
                        true,
                        "2.2-2.7, 3.0-3.19");
            case WOLFI, CHAINGUARD -> new Row(List.of(), false, "rolling");
            case RHEL, CENTOS -> new Row(List.of("6", "7", "8"), false, "6, 7, 8");
            case ALMALINUX, ROCKY -> new Row(List.of("8", "9"), false, "8, 9");
            case ORACLE -> new Row(List.of("5", "6", "7", "8"), false, "5, 6, 7, 8");
            case MARINER -> new Row(List.of("1.0", "2.0"), true, "1.0, 2.0");
            case AMAZON -> new Row(List.of("1", "2", "2023"), false, "1, 2, 2023");
            case OPENSUSE_LEAP -> new Row(List.of("42", "15"), false, "42, 15");
            case SLES -> new Row(List.of("11", "12", "15"), false, "11, 12, 15");
            case PHOTON -> new Row(List.of("1.0", "2.0", "3.0", "4.0"), true, "1.0, 2.0, 3.0, 4.0");
            case DEBIAN -> new Row(List.of("7", "8", "9", "10", "11", "12"), false, "7-12");
            case UBUNTU -> new Row(List.of(), false, "all versions supported by Canonical");
            case OPENSUSE_TUMBLEWEED, FEDORA -> new Row(List.of(), false, "none");
        };
    }

    public static OsSupport judge(OperatingSystem os) {
        String name = os.family().displayName() + " " + os.version();
        switch (os.family()) {
            case WOLFI, CHAINGUARD, UBUNTU -> {
                return OsSupport.supported(name + " is supported");
            }
            case OPENSUSE_TUMBLEWEED, FEDORA -> {
                return new OsSupport(
                        OsSupport.Level.UNSUPPORTED,
                        name + " is not in Vigil's table of supported operating systems, so its advisories are not"
                                + " checked");
            }
            default -> {}
        }
        if (os.family() == vigil.model.OsFamily.CENTOS && os.prettyName().contains("Stream")) {
            return new OsSupport(
                    OsSupport.Level.UNSUPPORTED,
                    os.prettyName() + " is not supported: CentOS Stream ships ahead of RHEL, so Red Hat's advisories"
                            + " do not describe it");
        }
        if (os.family() == vigil.model.OsFamily.ALPINE && isAlpineEdge(os)) {
            return new OsSupport(
                    OsSupport.Level.UNSUPPORTED,
                    "Alpine edge (" + os.version() + ") is not supported: it has no security database of its own");
        }
        String release = release(os);
        if (release.isEmpty()) {
            return new OsSupport(
                    OsSupport.Level.UNSUPPORTED,
                    name + " is not a numbered release"
                            + (os.family() == vigil.model.OsFamily.DEBIAN
                                    ? ": Debian unstable (sid) and testing are not supported"
                                    : ""));
        }
        Row row = row(os);
        if (row.releases().contains(release)) {
            return OsSupport.supported(name + " is supported (" + os.family().displayName() + " " + row.listed() + ")");
        }
        if (newer(release, row.releases().getLast())) {
            return new OsSupport(
                    OsSupport.Level.NEWER_RELEASE,
                    name + " is newer than the releases Vigil lists (" + row.listed()
                            + "); it is scanned with the family's advisories");
        }
        return new OsSupport(
                OsSupport.Level.UNSUPPORTED, name + " is older than the supported releases (" + row.listed() + ")");
    }

    /** The release compared against the table: major or major.minor, Amazon Linux 1's 2018.03 counted as 1. */
    static String release(OperatingSystem os) {
        String version = os.version();
        if (version.isEmpty() || !Character.isDigit(version.charAt(0))) {
            return "";
        }
        if (os.family() == vigil.model.OsFamily.AMAZON && version.matches("20(1\\d)\\.\\d+")) {
            return "1";
        }
        Row row = row(os);
        return row.byMinor() ? os.minorVersion() : os.majorVersion();
    }

    private static boolean isAlpineEdge(OperatingSystem os) {
        String lower = (os.version() + " " + os.prettyName()).toLowerCase(Locale.ROOT);
        return lower.contains("edge") || lower.contains("_alpha");
    }

    private static boolean newer(String release, String last) {
        String[] a = release.split("\\.");
        String[] b = last.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            long x = i < a.length ? parse(a[i]) : 0;
            long y = i < b.length ? parse(b[i]) : 0;
            if (x != y) {
                return x > y;
            }
        }
        return false;
    }

    private static long parse(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
