package vigil.server.findings;

import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/** What the finding store's writer, queries and triage share: the store's kind and small value helpers. */
final class FindingSql {
    /** The findings with a package of this name (bound as {@code :package}), through the details' package index. */
    static final String WITH_PACKAGE =
            "id IN (SELECT finding_id FROM vulnerability_details WHERE org_id = :org AND package_name = :package)";

    private FindingSql() {}

    /** Whether the store is SQLite (it finds search terms through FTS5, PostgreSQL through pg_trgm). */
    static boolean isSqlite(Jdbi jdbi) {
        return jdbi.withHandle(handle -> {
            try {
                return handle.getConnection()
                        .getMetaData()
                        .getDatabaseProductName()
                        .toLowerCase(Locale.ROOT)
                        .contains("sqlite");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot tell the store's kind: " + e.getMessage(), e);
            }
        });
    }

    static @Nullable Long nullableLong(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
