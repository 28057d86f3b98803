package vigil.vulndb.feeds;

import java.util.Optional;
import java.util.Set;

/**
 * Splits rpm package file names the way feeds print them: {@code name-[epoch:]version-release[.arch]} and
 * {@code name-epoch:version-release}.
 */
public record Nevra(String name, String evr, String arch) {
    private static final Set<String> ARCHES = Set.of(
            "x86_64", "i386", "i486", "i586", "i686", "noarch", "aarch64", "ppc64le", "ppc64", "s390x", "src",
            "armv7hl");

    /** Parses {@code kernel-4.9.76-38.79.amzn2.x86_64} or {@code python3.9-0:3.9.18-3.el9_4.5}. */
    public static Optional<Nevra> parse(String text, boolean withArch) {
        String rest = text.strip();
        String arch = "";
        if (withArch) {
            int dot = rest.lastIndexOf('.');
            if (dot > 0 && ARCHES.contains(rest.substring(dot + 1))) {
                arch = rest.substring(dot + 1);
                rest = rest.substring(0, dot);
            }
        }
        int releaseDash = rest.lastIndexOf('-');
        if (releaseDash <= 0) {
            return Optional.empty();
        }
        int versionDash = rest.lastIndexOf('-', releaseDash - 1);
        if (versionDash <= 0) {
            return Optional.empty();
        }
        String name = rest.substring(0, versionDash);
        String evr = rest.substring(versionDash + 1);
        if (name.isEmpty() || evr.startsWith("-")) {
            return Optional.empty();
        }
        if (evr.startsWith("0:")) {
            evr = evr.substring(2);
        }
        return Optional.of(new Nevra(name, evr, arch));
    }
}
