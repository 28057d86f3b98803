package vigil.inventory.dpkg;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.inventory.BoundedLines;
import vigil.inventory.FileListBudget;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.PackageCataloger;
import vigil.inventory.PackageUrls;
import vigil.inventory.ReadBudget;
import vigil.inventory.RootFile;
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

    private final boolean fileLists;

    /** A cataloger that reads each package's file list, as an SBOM reports it. */
    public DpkgCataloger() {
        this(true);
    }

    /**
     * @param fileLists whether to read {@code info/<name>.list}: a vulnerability report does not include the files,
     *     and reading the host's 800-odd lists was a sixth of a warm {@code vigil scan host} (docs/benchmarks.md)
     */
    public DpkgCataloger(boolean fileLists) {
        this.fileLists = fileLists;
    }

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
        FileListBudget budget = FileListBudget.standard();
        ReadBudget lists = new ReadBudget(LimitedFiles.DATABASE_LIMIT);
        ReadBudget entries = new ReadBudget(LimitedFiles.DATABASE_LIMIT);
        try (RootFs.Directory info = fileLists ? root.directory(INFO) : name -> Optional.empty()) {
            catalog(root, info, os, budget, lists, entries, packages, warnings);
        }
        return packages;
    }

    private static void catalog(
            RootFs root,
            RootFs.Directory info,
            @Nullable OperatingSystem os,
            FileListBudget budget,
            ReadBudget lists,
            ReadBudget entries,
            List<InstalledPackage> packages,
            List<String> warnings)
            throws IOException {
        Optional<RootFile> status = root.open(STATUS);
        if (status.isPresent()) {
            try (RootFile file = status.get()) {
                List<InstalledPackage> found = new ArrayList<>();
                int[] stanzas = {0};
                boolean[] allVcpkg = {true};
                read(file, LimitedFiles.DATABASE_LIMIT, warnings, stanza -> {
                    stanzas[0]++;
                    allVcpkg[0] &= isVcpkg(stanza);
                    toPackage(info, os, stanza, file.name(), true, budget, lists, warnings)
                            .ifPresent(found::add);
                });
                if (allVcpkg[0] && stanzas[0] > 0) {
                    warnings.add(file.name() + " is a vcpkg database (Windows C++ ports), not a dpkg one; skipped");
                } else {
                    packages.addAll(found);
                }
            }
        }
        for (String entry : root.list(STATUS_D)) {
            if (entry.contains(".") || entry.startsWith(".")) {
                continue; // md5sums, preinst and other companions of a distroless entry
            }
            Optional<RootFile> opened = root.open(STATUS_D + "/" + entry);
            if (opened.isEmpty()) {
                continue;
            }
            try (RootFile file = opened.get()) {
                read(
                        file,
                        entries.charge(file, STATUS_D),
                        warnings,
                        stanza -> toPackage(info, os, stanza, file.name(), false, budget, lists, warnings)
                                .ifPresent(packages::add));
            }
            if (packages.size() > LimitedFiles.PACKAGE_LIMIT) {
                throw new InventoryException(root.describe() + " has more than " + LimitedFiles.PACKAGE_LIMIT
                        + " dpkg packages; it is not a real system");
            }
        }
    }

    /** Streams the stanzas of one control file, applying the line, record, size and package limits as it reads. */
    private static void read(RootFile file, long limit, List<String> warnings, DpkgStatusParser.StanzaConsumer out)
            throws IOException {
        LimitedFiles.refuseLarger(file, limit);
        int[] count = {0};
        try (InputStream input = file.stream(limit)) {
            DpkgStatusParser.parse(new BoundedLines(input, LimitedFiles.LINE_LIMIT), file.name(), warnings, stanza -> {
                if (++count[0] > LimitedFiles.PACKAGE_LIMIT) {
                    throw new InventoryException(file.name() + " has more than " + LimitedFiles.PACKAGE_LIMIT
                            + " records; it is not a real dpkg database");
                }
                out.accept(stanza);
            });
        }
    }

    /** vcpkg writes dpkg-style status files whose records carry an {@code Abi} hash and Windows triplets. */
    private static boolean isVcpkg(DpkgStatusParser.Stanza stanza) {
        return stanza.fields().containsKey("Abi")
                || stanza.fields().getOrDefault("Architecture", "").endsWith("-windows");
    }

    private static Optional<InstalledPackage> toPackage(
            RootFs.Directory info,
            @Nullable OperatingSystem os,
            DpkgStatusParser.Stanza stanza,
            String source,
            boolean statusRequired,
            FileListBudget budget,
            ReadBudget lists,
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
        List<String> files = ownedFiles(info, name, arch, budget, lists, warnings);
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

    private static List<String> ownedFiles(
            RootFs.Directory info,
            String name,
            @Nullable String arch,
            FileListBudget budget,
            ReadBudget lists,
            List<String> warnings)
            throws IOException {
        Optional<RootFile> list = info.open(name + ".list");
        if (list.isEmpty() && arch != null) {
            list = info.open(name + ":" + arch + ".list");
        }
        if (list.isEmpty()) {
            return List.of();
        }
        List<String> files = new ArrayList<>();
        try (RootFile file = list.get();
                InputStream input = file.stream(lists.charge(file, INFO + "/*.list"))) {
            BoundedLines lines = new BoundedLines(input, LimitedFiles.LINE_LIMIT);
            BoundedLines.Line line;
            while ((line = lines.next()) != null) {
                if (line.tooLong()) {
                    warnings.add(file.name() + " line " + line.number() + ": a path of " + line.length()
                            + " bytes, longer than any real one; skipped");
                } else if (!line.text().isEmpty() && !line.text().equals("/.")) {
                    if (!budget.take(line.text().length(), file.name(), warnings)) {
                        return List.of();
                    }
                    files.add(line.text());
                }
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
