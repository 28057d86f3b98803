package vigil.vulnerabilities.ui;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.server.ui.view.FindingsTable;
import vigil.server.ui.view.PageFrame;

/**
 * One resource: what its last inventory says (absent when only findings are stored), its open or muted findings, and
 * its packages.
 */
public record ResourcePage(
        PageFrame frame, String id, @Nullable Facts facts, long total, FindingsTable table, List<PackageRow> packages) {
    public ResourcePage {
        packages = List.copyOf(packages);
    }

    /** The inventory's facts, as display text. */
    public record Facts(String type, String os, int packages, String lastScan, String scan) {}

    /** One package of the inventory. */
    public record PackageRow(String name, String version, String purl) {}
}
