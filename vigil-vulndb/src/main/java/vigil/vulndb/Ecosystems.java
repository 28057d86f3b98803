package vigil.vulndb;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vigil.model.OperatingSystem;

/**
 * Vigil's ecosystem keys ({@code <Distribution>:<release>}) and the two mappings around them: from the ecosystem
 * strings feeds write, and from a detected OS to the keys whose advisories apply to it.
 */
public final class Ecosystems {
    /** OSV ecosystems of Linux distributions, as named in the public OSV dumps. */
    public static final List<String> OSV_DISTRIBUTIONS = List.of(
            "Debian",
            "Ubuntu",
            "Alpine",
            "Rocky Linux",
            "AlmaLinux",
            "Red Hat",
            "SUSE",
            "openSUSE",
            "Photon OS",
            "Mariner",
            "Azure Linux",
            "Wolfi",
            "Chainguard");

    private static final Pattern NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)?)");

    private Ecosystems() {}

    /**
     * The key of a feed's ecosystem string, or empty for ecosystems that are not OS distributions Vigil scans
     * (PyPI, npm ...) and for Red Hat extended-support streams (EUS, AUS, TUS, E4S), whose fixes differ from the
     * main stream.
     */
    public static Optional<String> normalize(String ecosystem) {
        // A feed names a handful of ecosystems tens of thousands of times; the parsing below was a twentieth of an
        // import. Bounded, since a hostile feed may name any number.
        Optional<String> known = NORMALIZED.get(ecosystem);
        if (known == null) {
            known = normalizeOnce(ecosystem);
            if (NORMALIZED.size() < 1024) {
                NORMALIZED.put(ecosystem, known);
            }
        }
        return known;
    }

    private static final java.util.Map<String, Optional<String>> NORMALIZED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Optional<String> normalizeOnce(String ecosystem) {
        String[] parts = ecosystem.split(":", -1);
        String distribution = parts[0].strip();
        String rest = parts.length > 1 ? ecosystem.substring(ecosystem.indexOf(':') + 1) : "";
        switch (distribution) {
            case "Debian" -> {
                return release(rest).map(release -> "Debian:" + major(release));
            }
            case "Ubuntu" -> {
                String lower = rest.toLowerCase(Locale.ROOT);
                boolean pro = lower.startsWith("pro:") || lower.startsWith("ubuntu_pro:") || lower.contains("esm");
                if (lower.contains("fips")) {
                    return Optional.empty();
                }
                return release(rest).map(release -> (pro ? "Ubuntu Pro:" : "Ubuntu:") + release);
            }
            case "Alpine" -> {
                Matcher matcher = Pattern.compile("^v?(\\d+\\.\\d+)").matcher(rest);
                return matcher.find() ? Optional.of("Alpine:v" + matcher.group(1)) : Optional.empty();
            }
            case "Wolfi", "Chainguard" -> {
                return Optional.of(distribution);
            }
            case "Rocky Linux", "AlmaLinux", "Oracle Linux", "Photon OS", "Mariner", "Azure Linux", "CentOS" -> {
                String text = distribution.equals("Oracle Linux")
                        ? rest.replace("ol", " ").replace("_", " ")
                        : rest;
                return release(text)
                        .map(release -> distribution + ":"
                                + (distribution.equals("Photon OS")
                                                || distribution.equals("Mariner")
                                                || distribution.equals("Azure Linux")
                                        ? minor(release)
                                        : major(release)));
            }
            case "Amazon Linux" -> {
                String lower = rest.toLowerCase(Locale.ROOT);
                if (lower.contains("2023")) {
                    return Optional.of("Amazon Linux:2023");
                } else if (lower.contains("amazon_linux_2") || lower.startsWith("2")) {
                    return Optional.of("Amazon Linux:2");
                } else if (lower.startsWith("1") || lower.contains("amazon_linux_1") || lower.contains("20")) {
                    return Optional.of("Amazon Linux:1");
                }
                return Optional.empty();
            }
            case "Red Hat" -> {
                String lower = rest.toLowerCase(Locale.ROOT);
                if (lower.matches(".*\\b(rhel_)?(eus|aus|tus|e4s)\\b.*")
                        || lower.contains("rhel_eus")
                        || lower.contains("rhel_aus")
                        || lower.contains("rhel_tus")
                        || lower.contains("rhel_e4s")) {
                    return Optional.empty();
                }
                return release(rest).map(release -> "Red Hat:" + major(release));
            }
            case "SUSE", "SUSE Linux Enterprise Server" -> {
                return suseRelease(rest).map(release -> "SUSE:" + release);
            }
            case "openSUSE" -> {
                String lower = rest.toLowerCase(Locale.ROOT);
                if (!lower.contains("leap")) {
                    return Optional.empty();
                }
                return release(rest).map(release -> "openSUSE Leap:" + release);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Keys of the advisories that apply to {@code os}, most specific first. */
    public static List<String> forOs(OperatingSystem os) {
        String major = os.majorVersion();
        String minor = os.minorVersion();
        return switch (os.family()) {
            case DEBIAN -> List.of("Debian:" + major);
            case UBUNTU -> List.of("Ubuntu:" + minor);
            case ALPINE -> List.of("Alpine:v" + minor);
            case WOLFI -> List.of("Wolfi");
            case CHAINGUARD -> List.of("Chainguard");
            case RHEL, CENTOS -> List.of("Red Hat:" + major);
            case ALMALINUX -> List.of("AlmaLinux:" + major);
            case ROCKY -> List.of("Rocky Linux:" + major);
            case ORACLE -> List.of("Oracle Linux:" + major);
            case AMAZON -> List.of("Amazon Linux:" + (major.startsWith("20") && !major.equals("2023") ? "1" : major));
            case MARINER ->
                major.compareTo("3") >= 0 && major.length() == 1
                        ? List.of("Azure Linux:" + minor(os.version()))
                        : List.of("Mariner:" + minor(os.version()));
            case PHOTON -> List.of("Photon OS:" + minor(os.version()));
            case SLES -> List.of("SUSE:" + suseVersion(os.version()));
            case OPENSUSE_LEAP -> List.of("openSUSE Leap:" + minor);
            case OPENSUSE_TUMBLEWEED, FEDORA -> List.of();
        };
    }

    private static Optional<String> release(String text) {
        Matcher matcher = NUMBER.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String major(String release) {
        int dot = release.indexOf('.');
        return dot < 0 ? release : release.substring(0, dot);
    }

    private static String minor(String release) {
        return release.contains(".") ? release : release + ".0";
    }

    /** SLES 15 SP4 is {@code 15.4}; GA releases have no ".0". */
    private static String suseVersion(String version) {
        String[] parts = version.split("\\.");
        return parts.length > 1 && !parts[1].equals("0") ? parts[0] + "." + parts[1] : parts[0];
    }

    private static Optional<String> suseRelease(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("micro") || lower.contains("desktop") || lower.contains("leap")) {
            return Optional.empty();
        }
        Matcher matcher =
                Pattern.compile("(\\d+)(?:[ :._-]*sp(\\d+)|\\.(\\d+))?").matcher(lower);
        if (!matcher.find()) {
            return Optional.empty();
        }
        String servicePack = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
        return Optional.of(
                servicePack == null || servicePack.equals("0")
                        ? matcher.group(1)
                        : matcher.group(1) + "." + servicePack);
    }
}
