package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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
 * Installed rpm packages, from whichever database the root holds: SQLite {@code rpmdb.sqlite} (Fedora 33+, RHEL 9,
 * Mariner 2), NDB {@code Packages.db} (SUSE 15), or Berkeley DB {@code Packages} (RHEL 5–8, Amazon Linux 1 and 2),
 * under {@code /var/lib/rpm} or {@code /usr/lib/sysimage/rpm}. The format is told by the file's magic bytes.
 */
public final class RpmCataloger implements PackageCataloger {
    private static final List<String> DIRECTORIES = List.of("/var/lib/rpm", "/usr/lib/sysimage/rpm");
    private static final List<String> FILES = List.of("rpmdb.sqlite", "Packages.db", "Packages");
    private static final Pattern SOURCE_RPM = Pattern.compile("^(.+)-([^-]+)-([^-]+)\\.(?:no)?src\\.rpm$");

    @Override
    public String name() {
        return "rpm";
    }

    @Override
    public List<String> interestingPaths() {
        List<String> paths = new ArrayList<>();
        for (String directory : DIRECTORIES) {
            for (String file : FILES) {
                paths.add(directory + "/" + file);
            }
            paths.add(directory + "/rpmdb.sqlite-wal");
        }
        return paths;
    }

    @Override
    public List<InstalledPackage> catalog(RootFs root, @Nullable OperatingSystem os, List<String> warnings)
            throws IOException {
        for (String directory : DIRECTORIES) {
            for (String name : FILES) {
                Optional<RootFile> opened = root.open(directory + "/" + name);
                if (opened.isEmpty()) {
                    continue;
                }
                try (RootFile file = opened.get()) {
                    if (file.size() > 0) {
                        return read(file, () -> root.open(directory + "/" + name + "-wal"), os, warnings);
                    }
                }
            }
        }
        return List.of();
    }

    /**
     * Reads one rpm database file of any of the three formats; {@code wal} opens the {@code -wal} journal of a
     * SQLite one inside the same root.
     */
    static List<InstalledPackage> read(
            RootFile file, SqliteRpmDb.Companion wal, @Nullable OperatingSystem os, List<String> warnings)
            throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(512, Math.max(file.size(), 0)));
        RootFile.readFully(file.channel(), head, 0, file.name());
        byte[] first = new byte[head.remaining()];
        head.get(first);
        HeaderBlobs format;
        if (SqliteRpmDb.looksLike(first)) {
            format = new SqliteRpmDb(wal);
        } else if (Ndb.looksLike(ByteBuffer.wrap(first))) {
            format = new Ndb();
        } else if (BerkeleyDb.looksLike(ByteBuffer.wrap(first))) {
            format = new BerkeleyDb();
        } else {
            throw new InventoryException(file.name() + " is not an rpm database in a format Vigil reads"
                    + " (SQLite, NDB or Berkeley DB hash)");
        }
        return read(format, file, os, warnings);
    }

    static List<InstalledPackage> read(
            HeaderBlobs format, RootFile file, @Nullable OperatingSystem os, List<String> warnings) throws IOException {
        List<InstalledPackage> packages = new ArrayList<>();
        FileListBudget budget = FileListBudget.standard();
        format.read(file, (blob, where) -> {
            if (packages.size() >= LimitedFiles.PACKAGE_LIMIT) {
                throw new InventoryException(file.name() + " has more than " + LimitedFiles.PACKAGE_LIMIT
                        + " packages; it is not a real rpm database");
            }
            try {
                InstalledPackage pkg = toPackage(RpmHeader.parse(blob, where), where, os, budget, warnings);
                if (pkg != null) {
                    packages.add(pkg);
                }
            } catch (InventoryException e) {
                warnings.add(e.getMessage() == null ? where + ": unreadable rpm header" : e.getMessage());
            }
        });
        return packages;
    }

    static @Nullable InstalledPackage toPackage(
            RpmHeader header, String where, @Nullable OperatingSystem os, List<String> warnings) {
        return toPackage(header, where, os, FileListBudget.standard(), warnings);
    }

    static @Nullable InstalledPackage toPackage(
            RpmHeader header,
            String where,
            @Nullable OperatingSystem os,
            FileListBudget budget,
            List<String> warnings) {
        String name = header.string(RpmHeader.NAME);
        String version = header.string(RpmHeader.VERSION);
        String release = header.string(RpmHeader.RELEASE);
        if (name == null || version == null) {
            warnings.add(where + ": rpm header without a name or version; skipped");
            return null;
        }
        if (name.equals("gpg-pubkey")) {
            return null; // an imported signing key, not a package
        }
        Integer epoch = header.int32(RpmHeader.EPOCH);
        String arch = header.string(RpmHeader.ARCH);
        String sourceRpm = header.string(RpmHeader.SOURCERPM);
        String sourceName = null;
        String sourceVersion = null;
        if (sourceRpm != null && !sourceRpm.equals("(none)")) {
            Matcher matcher = SOURCE_RPM.matcher(sourceRpm);
            if (matcher.matches()) {
                sourceName = matcher.group(1);
                sourceVersion =
                        (epoch == null || epoch == 0 ? "" : epoch + ":") + matcher.group(2) + "-" + matcher.group(3);
            }
        }
        String license = header.string(RpmHeader.LICENSE);
        List<String> files;
        try {
            files = header.files(budget, where, warnings);
        } catch (InventoryException e) {
            warnings.add(where + " (" + name + "): file list unreadable: " + e.getMessage());
            files = List.of();
        }
        InstalledPackage pkg = new InstalledPackage(
                PackageType.RPM,
                name,
                epoch,
                version,
                release,
                arch,
                sourceName,
                sourceVersion,
                license == null ? List.of() : List.of(license),
                files,
                "");
        return pkg.withPurl(PackageUrls.of(PackageType.RPM, os, "rpm", name, pkg.evr(), arch, epoch));
    }
}
