package vigil.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migration 7: an index for the findings' free-text search (a case-insensitive substring of the title, rule id,
 * package name or resource name), in each store's own kind (see ADR 0010). SQLite gets an FTS5 table with the
 * trigram tokenizer, kept in sync with {@code findings} by triggers; PostgreSQL gets pg_trgm GIN indexes on the
 * lowered columns, which its planner uses for the very {@code LIKE} the search runs. The two need different DDL, so
 * this one version is Java; existing findings are indexed here.
 */
public final class SearchIndexMigration implements JavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexMigration.class);

    /** The searched columns; the search (FindingStore) and this index must agree on them. */
    static final String[] COLUMNS = {"title", "rule_id", "package_name", "resource_name"};

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("7");
    }

    @Override
    public String getDescription() {
        return "search index";
    }

    @Override
    public Integer getChecksum() {
        return 7_0001;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        try (Statement statement = connection.createStatement()) {
            if (product.contains("sqlite")) {
                sqlite(statement);
            } else {
                postgresql(connection, statement);
            }
        }
    }

    /**
     * A contentless FTS5 trigram table (the text stays in {@code findings} only) whose rowids come from
     * {@code finding_search}, a table with its own integer key: the implicit rowids of {@code findings} may change
     * on VACUUM, a declared INTEGER PRIMARY KEY does not.
     */
    private static void sqlite(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE finding_search (search_id INTEGER PRIMARY KEY, search_org VARCHAR(64) NOT"
                + " NULL, search_finding VARCHAR(128) NOT NULL, UNIQUE (search_org, search_finding))");
        statement.execute("CREATE VIRTUAL TABLE finding_text USING fts5(title, rule_id, package_name,"
                + " resource_name, content='', contentless_delete=1, tokenize='trigram')");
        String key = "(SELECT search_id FROM finding_search WHERE search_org = %1$s.org_id AND search_finding ="
                + " %1$s.id)";
        String insert = "INSERT INTO finding_text (rowid, title, rule_id, package_name, resource_name) VALUES ("
                + key.formatted("new") + ", new.title, new.rule_id, new.package_name, new.resource_name);";
        String delete = "DELETE FROM finding_text WHERE rowid = " + key.formatted("old") + ";";
        statement.execute("CREATE TRIGGER finding_text_insert AFTER INSERT ON findings BEGIN"
                + " INSERT INTO finding_search (search_org, search_finding) VALUES (new.org_id, new.id); "
                + insert + " END");
        statement.execute("CREATE TRIGGER finding_text_update AFTER UPDATE OF org_id, id, title, rule_id,"
                + " package_name, resource_name ON findings WHEN old.org_id IS NOT new.org_id OR old.id IS NOT new.id"
                + " OR old.title IS NOT new.title OR old.rule_id IS NOT new.rule_id OR old.package_name IS NOT"
                + " new.package_name OR old.resource_name IS NOT new.resource_name BEGIN " + delete
                + " UPDATE finding_search SET search_org = new.org_id, search_finding = new.id WHERE search_org ="
                + " old.org_id AND search_finding = old.id; " + insert + " END");
        statement.execute("CREATE TRIGGER finding_text_delete AFTER DELETE ON findings BEGIN " + delete
                + " DELETE FROM finding_search WHERE search_org = old.org_id AND search_finding = old.id; END");
        // FTS5 deletes ranges of its own %_data table when it merges segments, planned from statistics. Analyzed
        // while nearly empty, the table is recorded with two rows, and with that estimate SQLite scans the whole table
        // for each range instead of seeking: inserts then slow down with the size of the index (20x at 40,000
        // findings) until an ANALYZE sees it larger (the server's PRAGMA optimize, every ten minutes, re-analyzes a
        // table that has grown tenfold). A starting estimate of ten rows keeps the seek until then.
        statement.execute("ANALYZE finding_text_config");
        statement.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'finding_text_data'");
        statement.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('finding_text_data', NULL, '10')");
        statement.execute("INSERT INTO finding_search (search_org, search_finding) SELECT org_id, id FROM findings");
        statement.execute("INSERT INTO finding_text (rowid, title, rule_id, package_name, resource_name)"
                + " SELECT search_id, title, rule_id, package_name, resource_name FROM finding_search JOIN findings"
                + " ON org_id = search_org AND id = search_finding");
    }

    /**
     * pg_trgm GIN indexes on {@code LOWER(column)}. The extension is trusted (PostgreSQL 13+), so the database's
     * owner may create it; where that is refused the search keeps working as a scan, and the log says why.
     */
    private static void postgresql(Connection connection, Statement statement) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        } catch (SQLException e) {
            connection.rollback(savepoint);
            LOG.warn(
                    "the pg_trgm extension could not be created ({}); free-text search of findings will scan the"
                            + " table. Run 'CREATE EXTENSION pg_trgm' as a superuser and restart to index it.",
                    e.getMessage());
            return;
        }
        for (String column : COLUMNS) {
            statement.execute("CREATE INDEX findings_text_" + column + " ON findings USING gin (LOWER(" + column
                    + ") gin_trgm_ops)");
        }
    }
}
