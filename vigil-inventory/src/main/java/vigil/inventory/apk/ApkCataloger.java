package vigil.inventory.apk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import vigil.inventory.LimitedFiles;
import vigil.inventory.PackageCataloger;
import vigil.inventory.PackageUrls;
import vigil.inventory.RootFs;
import vigil.model.InstalledPackage;
import vigil.model.OperatingSystem;
import vigil.model.PackageType;

/**
 * Installed Alpine, Wolfi and Chainguard packages from {@code /lib/apk/db/installed}: blank-line separated records
 * of {@code X:value} lines (P name, V version, A arch, o origin, L license, F directory, R file in it).
 */
public final class ApkCataloger implements PackageCataloger {
    static final String INSTALLED = "/lib/apk/db/installed";

    @Override
    public String name() {
        return "apk";
    }

    @Override
    public List<String> interestingPaths() {
        return List.of(INSTALLED, "/usr/lib/apk/db/installed");
    }

    @Override
    public List<InstalledPackage> catalog(RootFs root, @Nullable OperatingSystem os, List<String> warnings)
            throws IOException {
        Optional<Path> file = root.file(INSTALLED);
        if (file.isEmpty()) {
            file = root.file("/usr/lib/apk/db/installed");
        }
        if (file.isEmpty()) {
            return List.of();
        }
        String source = INSTALLED + " in " + root.describe();
        return parse(LimitedFiles.readString(file.get(), LimitedFiles.DATABASE_LIMIT, source), source, os, warnings);
    }

    /** Parses the text of an installed database; records without a name or version become warnings. */
    public static List<InstalledPackage> parse(
            String text, String source, @Nullable OperatingSystem os, List<String> warnings) {
        List<InstalledPackage> packages = new ArrayList<>();
        Record record = new Record();
        int lineNumber = 0;
        for (String line : text.split("\\r?\\n", -1)) {
            lineNumber++;
            if (line.isBlank()) {
                record.finish(source, os, packages, warnings);
                record = new Record();
                record.line = lineNumber + 1;
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != ':') {
                warnings.add(source + " line " + lineNumber + ": '" + abbreviate(line)
                        + "' is not an 'X:value' line; skipped");
                continue;
            }
            String value = line.substring(2);
            switch (line.charAt(0)) {
                case 'P' -> record.name = value;
                case 'V' -> record.version = value;
                case 'A' -> record.arch = value;
                case 'o' -> record.origin = value;
                case 'L' -> record.license = value;
                case 'F' -> record.directory = value;
                case 'R' -> record.files.add("/" + (record.directory.isEmpty() ? "" : record.directory + "/") + value);
                default -> {}
            }
        }
        record.finish(source, os, packages, warnings);
        return packages;
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** The fields of the record being read. */
    private static final class Record {
        int line = 1;
        String name = "";
        String version = "";

        @Nullable
        String arch;

        @Nullable
        String origin;

        @Nullable
        String license;

        String directory = "";
        final List<String> files = new ArrayList<>();

        void finish(String source, @Nullable OperatingSystem os, List<InstalledPackage> out, List<String> warnings) {
            if (name.isEmpty() && version.isEmpty() && files.isEmpty()) {
                return;
            }
            if (name.isEmpty() || version.isEmpty()) {
                warnings.add(source + " record at line " + line + ": missing "
                        + (name.isEmpty() ? "package name (P:)" : "version (V:) of " + name) + "; skipped");
                return;
            }
            List<String> licenses = license == null || license.isBlank() ? List.of() : List.of(license);
            String purl = PackageUrls.of(PackageType.APK, os, "alpine", name, version, arch, null);
            out.add(new InstalledPackage(
                    PackageType.APK, name, null, version, null, arch, origin, null, licenses, files, purl));
        }
    }
}
