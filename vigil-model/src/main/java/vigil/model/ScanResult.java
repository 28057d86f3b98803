package vigil.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** An inventory together with the vulnerabilities matched against it and the database that matched them. */
public record ScanResult(Inventory inventory, List<PackageVulnerability> vulnerabilities, DatabaseInfo database) {
    public ScanResult {
        requireNonNull(inventory, "inventory is null");
        vulnerabilities = List.copyOf(vulnerabilities);
        requireNonNull(database, "database is null");
    }
}
