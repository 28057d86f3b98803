package vigil.inventory.apk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import vigil.inventory.BoundedLines;
import vigil.inventory.FileListBudget;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.PackageCataloger;
import vigil.inventory.PackageUrls;
import vigil.inventory.RootFile;
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
        Optional<RootFile> opened = root.open(INSTALLED);
        if (opened.isEmpty()) {
            opened = root.open("/usr/lib/apk/db/installed");
        }
        if (opened.isEmpty()) {
            return List.of();
        }
        try (RootFile file = opened.get();
                InputStream input = file.stream(LimitedFiles.DATABASE_LIMIT)) {
            LimitedFiles.refuseLarger(file, LimitedFiles.DATABASE_LIMIT);
            return parse(new BoundedLines(input, LimitedFiles.LINE_LIMIT), file.name(), os, warnings);
        }
    }

    /** Parses the text of an installed database in memory (tests, fuzzing); the limits are those of a file. */
    public static List<InstalledPackage> parse(
            String text, String source, @Nullable OperatingSystem os, List<String> warnings) {
        try {
            return parse(BoundedLines.of(text, LimitedFiles.LINE_LIMIT), source, os, warnings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses an installed database as it is read; records without a name or version, and records with a line
     * longer than {@link LimitedFiles#LINE_LIMIT}, become warnings.
     */
    public static List<InstalledPackage> parse(
            BoundedLines lines, String source, @Nullable OperatingSystem os, List<String> warnings) throws IOException {
        List<InstalledPackage> packages = new ArrayList<>();
        FileListBudget budget = FileListBudget.standard();
        Record record = new Record();
        BoundedLines.Line line;
        while ((line = lines.next()) != null) {
            if (line.tooLong()) {
                if (record.refusal == null) {
                    record.refusal = source + " line " + line.number() + ": a line of " + line.length()
                            + " bytes, longer than the " + LimitedFiles.LINE_LIMIT + " Vigil reads ('"
                            + BoundedLines.preview(line.text()) + "'); the record is skipped";
                }
                continue;
            }
            String text = line.text();
            if (text.isBlank()) {
                record.finish(source, os, packages, warnings);
                if (packages.size() > LimitedFiles.PACKAGE_LIMIT) {
                    throw new InventoryException(source + " has more than " + LimitedFiles.PACKAGE_LIMIT
                            + " records; it is not a real apk database");
                }
                record = new Record();
                record.line = line.number() + 1;
                continue;
            }
            if (text.length() < 2 || text.charAt(1) != ':') {
                warnings.add(source + " line " + line.number() + ": '" + BoundedLines.preview(text)
                        + "' is not an 'X:value' line; skipped");
                continue;
            }
            String value = text.substring(2);
            switch (text.charAt(0)) {
                case 'P' -> record.name = value;
                case 'V' -> record.version = value;
                case 'A' -> record.arch = value;
                case 'o' -> record.origin = value;
                case 'L' -> record.license = value;
                case 'F' -> record.directory = value;
                case 'R' -> {
                    String file = "/" + (record.directory.isEmpty() ? "" : record.directory + "/") + value;
                    if (budget.take(file.length(), source, warnings)) {
                        record.files.add(file);
                    }
                }
                default -> {}
            }
        }
        record.finish(source, os, packages, warnings);
        return packages;
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

        @Nullable
        String refusal;

        final List<String> files = new ArrayList<>();

        void finish(String source, @Nullable OperatingSystem os, List<InstalledPackage> out, List<String> warnings) {
            if (refusal != null) {
                warnings.add(refusal);
                return;
            }
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
