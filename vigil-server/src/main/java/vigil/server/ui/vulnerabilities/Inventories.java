package vigil.server.ui.vulnerabilities;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The one inventory read the resource page makes. It maps columns through Jdbi's {@code RowView}, so no JDBC type
 * reaches the UI; it moves to the wing's inventory store when ADR 0030's stage 4 makes one.
 */
final class Inventories {
    private final Jdbi jdbi;

    Inventories(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A resource's last inventory, as stored. */
    record Stored(
            String type,
            String name,
            @Nullable String os,
            int packages,
            long scannedAt,
            String sbom,
            @Nullable String scanState,
            @Nullable String scanNote) {}

    Optional<Stored> find(String orgId, String resourceId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT resource_type, resource_name, os, packages,"
                        + " scanned_at, inventory, scan_state, scan_note FROM inventories"
                        + " WHERE org_id = :org AND resource_id = :id")
                .bind("org", orgId)
                .bind("id", resourceId)
                .map(row -> new Stored(
                        String.valueOf(row.getColumn(1, String.class)),
                        String.valueOf(row.getColumn(2, String.class)),
                        row.getColumn(3, String.class),
                        (int) number(row.getColumn(4, Long.class)),
                        number(row.getColumn(5, Long.class)),
                        String.valueOf(row.getColumn(6, String.class)),
                        row.getColumn(7, String.class),
                        row.getColumn(8, String.class)))
                .findOne());
    }

    /** A NULL number column read as 0, as JDBC's {@code getLong} reads it. */
    private static long number(@Nullable Long value) {
        return value == null ? 0 : value;
    }
}
