package vigil.inventory.os;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.inventory.LimitedFiles;
import vigil.inventory.OsDetection;
import vigil.inventory.RootFile;
import vigil.inventory.RootFs;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;

/**
 * Identifies the OS of a root filesystem from {@code os-release} first, then from the vendor release files
 * ({@code alpine-release}, {@code debian_version}, {@code lsb-release}, {@code redhat-release} and friends), and
 * judges it against the seed's table of supported releases ({@link SupportTable}).
 */
public final class OsDetector {
    private static final List<String> OS_RELEASE = List.of("/etc/os-release", "/usr/lib/os-release");
    private static final Pattern RELEASE_NUMBER = Pattern.compile("release\\s+(\\d+(?:\\.\\d+)*)");
    private static final Pattern LEADING_NUMBER = Pattern.compile("^(\\d+(?:\\.\\d+)*)");

    private OsDetector() {}

    /** Every file the detector may read, for image extraction. */
    public static List<String> interestingPaths() {
        return List.of(
                "/etc/os-release",
                "/usr/lib/os-release",
                "/etc/lsb-release",
                "/etc/debian_version",
                "/etc/alpine-release",
                "/etc/redhat-release",
                "/etc/centos-release",
                "/etc/almalinux-release",
                "/etc/rocky-release",
                "/etc/oracle-release",
                "/etc/fedora-release",
                "/etc/system-release",
                "/usr/lib/system-release",
                "/etc/system-release-cpe",
                "/etc/SuSE-release",
                "/etc/photon-release",
                "/etc/mariner-release",
                "/etc/azurelinux-release");
    }

    public static OsDetection detect(RootFs root) throws IOException {
        Optional<OperatingSystem> os = fromOsRelease(root);
        if (os.isEmpty()) {
            os = fromVendorFiles(root);
        }
        if (os.isEmpty()) {
            return new OsDetection(
                    null,
                    OsSupport.unknown("no OS release file (/etc/os-release, /etc/debian_version, /etc/alpine-release,"
                            + " /etc/redhat-release ...) identifies the OS of " + root.describe()
                            + "; Vigil cannot tell which advisories apply"));
        }
        OperatingSystem found = refine(root, os.get());
        return new OsDetection(found, SupportTable.judge(found));
    }

    /** Vendor files are more precise than os-release for some families (Debian point releases). */
    private static OperatingSystem refine(RootFs root, OperatingSystem os) throws IOException {
        if (os.family() == OsFamily.DEBIAN) {
            Optional<String> debianVersion = read(root, "/etc/debian_version").map(String::strip);
            if (debianVersion.isPresent()
                    && LEADING_NUMBER.matcher(debianVersion.get()).matches()
                    && debianVersion.get().startsWith(os.majorVersion())) {
                return new OperatingSystem(os.family(), debianVersion.get(), os.prettyName());
            }
        }
        return os;
    }

    private static Optional<String> read(RootFs root, String path) throws IOException {
        Optional<RootFile> opened = root.open(path);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (RootFile file = opened.get()) {
            return Optional.of(LimitedFiles.readString(file, LimitedFiles.SMALL_FILE_LIMIT));
        }
    }

    /** Parses {@code KEY=value} lines, unquoting values, as os-release(5) and lsb-release write them. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || equals <= 0) {
                continue;
            }
            String value = trimmed.substring(equals + 1).strip();
            if (value.length() >= 2
                    && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, equals).strip(), value.replace("\\\"", "\""));
        }
        return values;
    }

    private static Optional<OperatingSystem> fromOsRelease(RootFs root) throws IOException {
        for (String path : OS_RELEASE) {
            Optional<String> text = read(root, path);
            if (text.isEmpty()) {
                continue;
            }
            Map<String, String> values = keyValues(text.get());
            String id = values.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
            String version = values.getOrDefault("VERSION_ID", "");
            String pretty = values.getOrDefault("PRETTY_NAME", values.getOrDefault("NAME", id));
            @Nullable OsFamily family = familyOfId(id);
            if (family == null) {
                return Optional.empty();
            }
            if (version.isEmpty()) {
                if (family == OsFamily.DEBIAN) {
                    // testing and sid have no VERSION_ID; debian_version says "trixie/sid".
                    String codename =
                            read(root, "/etc/debian_version").map(String::strip).orElse("sid");
                    return Optional.of(new OperatingSystem(family, codename, pretty));
                }
                if (family == OsFamily.WOLFI || family == OsFamily.CHAINGUARD) {
                    return Optional.of(new OperatingSystem(family, "rolling", pretty));
                }
                return Optional.empty();
            }
            if (family == OsFamily.ALPINE && pretty.toLowerCase(Locale.ROOT).contains("edge")) {
                version = "edge"; // edge reports the next release's alpha; it is not that release
            }
            return Optional.of(new OperatingSystem(family, version, pretty));
        }
        return Optional.empty();
    }

    public static @Nullable OsFamily familyOfId(String id) {
        return switch (id) {
            case "alpine" -> OsFamily.ALPINE;
            case "wolfi" -> OsFamily.WOLFI;
            case "chainguard" -> OsFamily.CHAINGUARD;
            case "rhel", "redhat" -> OsFamily.RHEL;
            case "centos" -> OsFamily.CENTOS;
            case "almalinux", "alma" -> OsFamily.ALMALINUX;
            case "rocky" -> OsFamily.ROCKY;
            case "ol", "oracle" -> OsFamily.ORACLE;
            case "mariner", "cbl-mariner", "azurelinux" -> OsFamily.MARINER;
            case "amzn", "amazon" -> OsFamily.AMAZON;
            case "opensuse-leap", "opensuse" -> OsFamily.OPENSUSE_LEAP;
            case "opensuse-tumbleweed" -> OsFamily.OPENSUSE_TUMBLEWEED;
            case "sles", "sled", "sles_sap", "suse" -> OsFamily.SLES;
            case "photon" -> OsFamily.PHOTON;
            case "fedora" -> OsFamily.FEDORA;
            case "debian" -> OsFamily.DEBIAN;
            case "ubuntu" -> OsFamily.UBUNTU;
            default -> null;
        };
    }

    private static Optional<OperatingSystem> fromVendorFiles(RootFs root) throws IOException {
        Optional<String> alpine = read(root, "/etc/alpine-release").map(String::strip);
        if (alpine.isPresent() && !alpine.get().isEmpty()) {
            return Optional.of(new OperatingSystem(OsFamily.ALPINE, alpine.get(), "Alpine Linux v" + alpine.get()));
        }
        Optional<String> lsb = read(root, "/etc/lsb-release");
        if (lsb.isPresent()) {
            Map<String, String> values = keyValues(lsb.get());
            if ("ubuntu".equalsIgnoreCase(values.getOrDefault("DISTRIB_ID", ""))
                    && !values.getOrDefault("DISTRIB_RELEASE", "").isEmpty()) {
                String release = values.getOrDefault("DISTRIB_RELEASE", "");
                return Optional.of(new OperatingSystem(
                        OsFamily.UBUNTU, release, values.getOrDefault("DISTRIB_DESCRIPTION", "Ubuntu " + release)));
            }
        }
        Object[][] redHatFiles = {
            {"/etc/almalinux-release", OsFamily.ALMALINUX},
            {"/etc/rocky-release", OsFamily.ROCKY},
            {"/etc/oracle-release", OsFamily.ORACLE},
            {"/etc/centos-release", OsFamily.CENTOS},
            {"/etc/fedora-release", OsFamily.FEDORA},
            {"/etc/photon-release", OsFamily.PHOTON},
            {"/etc/mariner-release", OsFamily.MARINER},
            {"/etc/azurelinux-release", OsFamily.MARINER},
            {"/etc/redhat-release", null},
            {"/etc/system-release", null},
            // Amazon Linux 2022 and 2023 keep it here, /etc/system-release being a link to it that an image
            // layer or a copied root may lack.
            {"/usr/lib/system-release", null}
        };
        for (Object[] candidate : redHatFiles) {
            Optional<String> text = read(root, (String) candidate[0]).map(String::strip);
            if (text.isEmpty() || text.get().isEmpty()) {
                continue;
            }
            String firstLine = text.get().lines().findFirst().orElse("");
            OsFamily family = candidate[1] != null ? (OsFamily) candidate[1] : familyOfReleaseLine(firstLine);
            Matcher number = RELEASE_NUMBER.matcher(firstLine.toLowerCase(Locale.ROOT));
            if (family != null && number.find()) {
                return Optional.of(new OperatingSystem(family, number.group(1), firstLine));
            }
            Matcher photonOrMariner = Pattern.compile("(\\d+\\.\\d+)").matcher(firstLine);
            if (family != null && (family == OsFamily.PHOTON || family == OsFamily.MARINER) && photonOrMariner.find()) {
                return Optional.of(new OperatingSystem(family, photonOrMariner.group(1), firstLine));
            }
        }
        Optional<String> cpe = read(root, "/etc/system-release-cpe").map(String::strip);
        if (cpe.isPresent()) {
            // cpe:/o:centos:linux:6:GA, cpe:/o:redhat:enterprise_linux:7.3:ga:server
            String[] parts = cpe.get().split(":");
            if (parts.length >= 5 && parts[1].equals("/o")) {
                OsFamily family = familyOfId(parts[2].equals("redhat") ? "rhel" : parts[2]);
                if (family != null && !parts[4].isEmpty() && Character.isDigit(parts[4].charAt(0))) {
                    return Optional.of(new OperatingSystem(family, parts[4], cpe.get()));
                }
            }
        }
        Optional<String> suse = read(root, "/etc/SuSE-release");
        if (suse.isPresent()) {
            Map<String, String> values = keyValues(suse.get().replace(" = ", "="));
            String version = values.getOrDefault("VERSION", "");
            String patch = values.getOrDefault("PATCHLEVEL", "");
            if (!version.isEmpty()) {
                String full = patch.isEmpty() || patch.equals("0") ? version : version + "." + patch;
                String firstLine = suse.get().lines().findFirst().orElse("SUSE");
                OsFamily family = firstLine.toLowerCase(Locale.ROOT).contains("opensuse")
                        ? OsFamily.OPENSUSE_LEAP
                        : OsFamily.SLES;
                return Optional.of(new OperatingSystem(family, full, firstLine));
            }
        }
        Optional<String> debian = read(root, "/etc/debian_version").map(String::strip);
        if (debian.isPresent() && !debian.get().isEmpty()) {
            return Optional.of(new OperatingSystem(OsFamily.DEBIAN, debian.get(), "Debian GNU/Linux " + debian.get()));
        }
        return Optional.empty();
    }

    private static @Nullable OsFamily familyOfReleaseLine(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("red hat")) {
            return OsFamily.RHEL;
        } else if (lower.startsWith("centos")) {
            return OsFamily.CENTOS;
        } else if (lower.startsWith("almalinux")) {
            return OsFamily.ALMALINUX;
        } else if (lower.startsWith("rocky")) {
            return OsFamily.ROCKY;
        } else if (lower.startsWith("oracle linux")) {
            return OsFamily.ORACLE;
        } else if (lower.startsWith("amazon linux")) {
            return OsFamily.AMAZON;
        } else if (lower.startsWith("fedora")) {
            return OsFamily.FEDORA;
        }
        return null;
    }
}
