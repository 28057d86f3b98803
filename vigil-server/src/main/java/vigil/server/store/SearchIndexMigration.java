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
 * package name or resource name; see ADR 0010). It indexes the distinct values of those columns, not the findings:
 * {@code search_terms} holds every value once, and a trigram index over it (FTS5 on SQLite, pg_trgm on PostgreSQL)
 * finds the values that contain the text; the findings with those values come from ordinary indexes. A million findings have a few tens of thousands of distinct values, and a new host's
 * findings bring hardly any new ones: the store adds the distinct values of each scan once
 * ({@code FindingWriter.addSearchTerms}), a few thousand probes per host instead of a hundred trigrams per finding
 * (triggers per finding halved intake). The two stores need different DDL, so this one version is Java; existing
 * findings are indexed here.
 */
public final class SearchIndexMigration implements JavaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(SearchIndexMigration.class);

    /** PostgreSQL's conflict clauses for the digest-keyed unique indexes of terms and title pairs. */
    public static final String POSTGRESQL_NEW_TERM = "ON CONFLICT ((md5(term))) DO NOTHING";

    public static final String POSTGRESQL_NEW_PAIR = "ON CONFLICT ((md5(title)), rule_id) DO NOTHING";

    /** The searched columns; the search (FindingQueries, TextSearch) and this index must agree on them. */
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
        return 7_0004;
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
            // From a value to its findings: rule_id and resource_name have their indexes; package_name gets one;
            // titles (long, and one per rule) go through the rules they occur with, so findings need no title index
            // (one index insert less per new finding). Pairs are only ever added, like terms.
            statement.execute("CREATE INDEX findings_by_package ON findings (org_id, package_name)");
            statement.execute("INSERT INTO search_title_rules (title, rule_id) SELECT DISTINCT title, rule_id FROM"
                    + " findings");
        }
    }

    /**
     * Terms keyed by a declared INTEGER PRIMARY KEY (stable across VACUUM) and an external-content FTS5 trigram
     * table over them, fed by a trigger on the terms. Terms are only ever added: a value no finding has any more
     * costs a row and never a wrong answer, since the search goes on to the findings that have it.
     */
    private static void sqlite(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE search_terms (term_id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)");
        statement.execute("CREATE TABLE search_title_rules (title TEXT NOT NULL, rule_id VARCHAR(200) NOT NULL,"
                + " PRIMARY KEY (title, rule_id))");
        statement.execute("CREATE VIRTUAL TABLE search_term_text USING fts5(term, content='search_terms',"
                + " content_rowid='term_id', tokenize='trigram')");
        statement.execute("CREATE TRIGGER search_terms_indexed AFTER INSERT ON search_terms BEGIN"
                + " INSERT INTO search_term_text (rowid, term) VALUES (new.term_id, new.term); END");
        statement.execute("INSERT OR IGNORE INTO search_terms (term) " + distinctValuesAtVersion7());
    }

    /**
     * The same terms table with a pg_trgm GIN index on {@code LOWER(term)}, which the planner uses for the search's
     * {@code LIKE}. The extension is trusted (PostgreSQL 13+), so the database's owner may create it; where that is
     * refused the terms are scanned (still far fewer rows than the findings), and the log says how to add it.
     */
    private static void postgresql(Connection connection, Statement statement) throws SQLException {
        // A B-tree entry holds at most about 2,700 bytes, less than a 1,000-character title in a non-Latin script:
        // the unique keys are digests of the values (searches still compare the values themselves).
        statement.execute("CREATE TABLE search_terms (term_id BIGSERIAL PRIMARY KEY, term TEXT NOT NULL)");
        statement.execute("CREATE UNIQUE INDEX search_terms_unique ON search_terms (md5(term))");
        statement.execute("CREATE TABLE search_title_rules (title TEXT NOT NULL, rule_id VARCHAR(200) NOT NULL)");
        statement.execute("CREATE UNIQUE INDEX search_title_rules_key ON search_title_rules (md5(title), rule_id)");
        statement.execute("INSERT INTO search_terms (term) " + distinctValuesAtVersion7() + " " + POSTGRESQL_NEW_TERM);
        Savepoint savepoint = connection.setSavepoint();
        try {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        } catch (SQLException e) {
            connection.rollback(savepoint);
            LOG.warn(
                    "the pg_trgm extension could not be created ({}); free-text search will scan the distinct"
                            + " searched values. To index them, run as a superuser: CREATE EXTENSION pg_trgm; CREATE"
                            + " INDEX search_terms_text ON search_terms USING gin (LOWER(term) gin_trgm_ops);",
                    e.getMessage());
            return;
        }
        statement.execute("CREATE INDEX search_terms_text ON search_terms USING gin (LOWER(term) gin_trgm_ops)");
    }

    /** Adds the searched values of every stored finding (a store filled outside FindingWriter, such as FillStore). */
    public static void addAllSearchTerms(org.jdbi.v3.core.Handle handle, boolean sqlite) {
        String pairs = "INSERT INTO search_title_rules (title, rule_id) SELECT DISTINCT title, rule_id FROM findings";
        if (sqlite) {
            handle.execute("INSERT OR IGNORE INTO search_terms (term) " + distinctValues());
            handle.execute(pairs.replaceFirst("INSERT", "INSERT OR IGNORE"));
        } else {
            handle.execute("INSERT INTO search_terms (term) " + distinctValues() + " " + POSTGRESQL_NEW_TERM);
            handle.execute(pairs + " " + POSTGRESQL_NEW_PAIR);
        }
    }

    /** The distinct searched values of every stored finding, package names from their details (V17 on). */
    private static String distinctValues() {
        return distinctValuesAtVersion7()
                .replace("SELECT package_name FROM findings", "SELECT package_name FROM vulnerability_details");
    }

    /** The distinct searched values as migration 7 reads them, from the columns {@code findings} had then. */
    private static String distinctValuesAtVersion7() {
        StringBuilder union = new StringBuilder();
        for (String column : COLUMNS) {
            union.append(union.isEmpty() ? "" : " UNION ")
                    .append("SELECT ")
                    .append(column)
                    .append(" FROM findings WHERE ")
                    .append(column)
                    .append(" IS NOT NULL");
        }
        return union.toString();
    }
}
