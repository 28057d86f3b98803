package vigil.inventory;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.model.InstalledPackage;
import vigil.model.OperatingSystem;

/** Reads one kind of package database (dpkg, apk, rpm) from a root filesystem. */
public interface PackageCataloger {
    /** A short name for messages: "dpkg", "apk", "rpm". */
    String name();

    /** Absolute in-root paths this cataloger reads; image extraction keeps exactly these (and their directories). */
    List<String> interestingPaths();

    /**
     * The packages installed in {@code root}; an empty list when this database is absent. Problems with single
     * records go to {@code warnings} (naming the file and the record) and the rest is still read; a database that
     * cannot be read at all throws {@link InventoryException}.
     *
     * @param os the detected OS, used for purls' {@code distro} qualifier and namespace; null when unknown
     */
    List<InstalledPackage> catalog(RootFs root, @Nullable OperatingSystem os, List<String> warnings) throws IOException;
}
