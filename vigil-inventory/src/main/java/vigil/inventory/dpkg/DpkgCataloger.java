package vigil.inventory.dpkg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.inventory.LimitedFiles;
import vigil.inventory.PackageCataloger;
import vigil.inventory.PackageUrls;
import vigil.inventory.RootFs;
import vigil.model.InstalledPackage;
import vigil.model.OperatingSystem;
import vigil.model.PackageType;

/**
 * Installed Debian packages: {@code /var/lib/dpkg/status} (packages whose status is {@code installed}, as
 * {@code dpkg-query} counts them), distroless {@code /var/lib/dpkg/status.d/*} entries (no Status field: installed),
 * and the files of each package from {@code /var/lib/dpkg/info/<name>[:<arch>].list}.
 */
public final class DpkgCataloger implements PackageCataloger {
    static final String STATUS = "/var/lib/dpkg/status";
    static final String STATUS_D = "/var/lib/dpkg/status.d";
    static final String INFO = "/var/lib/dpkg/info";
    private static final Pattern SOURCE = Pattern.compile("^(\\S+)(?:\\s*\\((\\S+)\\))?$");

    @Override
    public String name() {
        return "dpkg";
    }

    @Override
    public List<String> interestingPaths() {
        return List.of(STATUS, STATUS_D + "/", INFO + "/");
    }

    @Override
    public List<InstalledPackage> catalog(RootFs root, @Nullable OperatingSystem os, List<String> warnings)
            throws IOException {
        List<InstalledPackage> packages = new ArrayList<>();
        Optional<Path> status = root.file(STATUS);
        if (status.isPresent()) {
            String source = STATUS + " in " + root.describe();
            String text = LimitedFiles.readString(status.get(), LimitedFiles.DATABASE_LIMIT, source);
            List<DpkgStatusParser.Stanza> stanzas = DpkgStatusParser.parse(text, source, warnings);
            if (isVcpkg(stanzas)) {
                warnings.add(source + " is a vcpkg database (Windows C++ ports), not a dpkg one; skipped");
            } else {
                for (DpkgStatusParser.Stanza stanza : stanzas) {
                    toPackage(root, os, stanza, source, true, warnings).ifPresent(packages::add);
                }
            }
        }
        for (String entry : root.list(STATUS_D)) {
            if (entry.contains(".") || entry.startsWith(".")) {
                continue; // md5sums, preinst and other companions of a distroless entry
            }
            Optional<Path> file = root.file(STATUS_D + "/" + entry);
            if (file.isEmpty()) {
                continue;
            }
            String source = STATUS_D + "/" + entry + " in " + root.describe();
            String text = LimitedFiles.readString(file.get(), LimitedFiles.DATABASE_LIMIT, source);
            for (DpkgStatusParser.Stanza stanza : DpkgStatusParser.parse(text, source, warnings)) {
                toPackage(root, os, stanza, source, false, warnings).ifPresent(packages::add);
            }
        }
        return packages;
    }

    /** vcpkg writes dpkg-style status files whose records carry an {@code Abi} hash and Windows triplets. */
    private static boolean isVcpkg(List<DpkgStatusParser.Stanza> stanzas) {
        return !stanzas.isEmpty()
                && stanzas.stream()
                        .allMatch(stanza -> stanza.fields().containsKey("Abi")
                                || stanza.fields()
                                        .getOrDefault("Architecture", "")
                                        .endsWith("-windows"));
    }

    private static Optional<InstalledPackage> toPackage(
            RootFs root,
            @Nullable OperatingSystem os,
            DpkgStatusParser.Stanza stanza,
            String source,
            boolean statusRequired,
            List<String> warnings)
            throws IOException {
        Map<String, String> fields = stanza.fields();
        String name = fields.get("Package");
        String version = fields.get("Version");
        if (name == null || name.isEmpty()) {
            warnings.add(source + " line " + stanza.line() + ": record without a Package field; skipped");
            return Optional.empty();
        }
        String state = fields.get("Status");
        if (state != null) {
            String[] words = state.split("\\s+");
            if (words.length != 3 || !words[2].equals("installed")) {
                return Optional.empty();
            }
        } else if (statusRequired) {
            warnings.add(source + " line " + stanza.line() + ": package " + name + " has no Status field; skipped");
            return Optional.empty();
        }
        if (version == null || version.isEmpty()) {
            warnings.add(source + " line " + stanza.line() + ": package " + name + " has no Version field; skipped");
            return Optional.empty();
        }
        DebianVersion parsed = DebianVersion.split(version);
        String arch = fields.get("Architecture");
        String sourceName = null;
        String sourceVersion = null;
        String sourceField = fields.get("Source");
        if (sourceField != null && !sourceField.isEmpty()) {
            Matcher matcher = SOURCE.matcher(sourceField);
            if (matcher.matches()) {
                sourceName = matcher.group(1);
                sourceVersion = matcher.group(2) != null ? matcher.group(2) : version;
            } else {
                warnings.add(source + " line " + stanza.line() + ": package " + name
                        + " has an unreadable Source field '" + DpkgStatusParser.abbreviate(sourceField) + "'");
            }
        }
        List<String> files = ownedFiles(root, name, arch);
        String purl = PackageUrls.of(PackageType.DEB, os, "debian", name, version, arch, parsed.epoch());
        return Optional.of(new InstalledPackage(
                PackageType.DEB,
                name,
                parsed.epoch(),
                parsed.upstream(),
                parsed.revision(),
                arch,
                sourceName,
                sourceVersion,
                List.of(),
                files,
                purl));
    }

    private static List<String> ownedFiles(RootFs root, String name, @Nullable String arch) throws IOException {
        Optional<Path> list = root.file(INFO + "/" + name + ".list");
        if (list.isEmpty() && arch != null) {
            list = root.file(INFO + "/" + name + ":" + arch + ".list");
        }
        if (list.isEmpty()) {
            return List.of();
        }
        String text = LimitedFiles.readString(list.get(), LimitedFiles.DATABASE_LIMIT, INFO + "/" + name + ".list");
        List<String> files = new ArrayList<>();
        for (String line : text.split("\\n")) {
            if (!line.isEmpty() && !line.equals("/.")) {
                files.add(line);
            }
        }
        return files;
    }

    /** A Debian version split the way dpkg splits it, so {@code InstalledPackage.evr()} rebuilds the original. */
    record DebianVersion(
            @Nullable Integer epoch,
            String upstream,
            @Nullable String revision) {
        static DebianVersion split(String version) {
            Integer epoch = null;
            String rest = version;
            int colon = version.indexOf(':');
            if (colon > 0 && version.substring(0, colon).chars().allMatch(Character::isDigit) && colon < 10) {
                epoch = Integer.parseInt(version.substring(0, colon));
                rest = version.substring(colon + 1);
            }
            int dash = rest.lastIndexOf('-');
            if (dash > 0) {
                return new DebianVersion(epoch, rest.substring(0, dash), rest.substring(dash + 1));
            }
            return new DebianVersion(epoch, rest, null);
        }
    }
}
