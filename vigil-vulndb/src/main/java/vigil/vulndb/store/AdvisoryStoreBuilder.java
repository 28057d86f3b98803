package vigil.vulndb.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import vigil.vulndb.Advisory;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.OwnerOnly;

/**
 * Writes a new version of the advisory database beside the live one and swaps it in with an atomic rename, so an
 * interrupted import leaves the previous database untouched. Starting from the live file merges new advisories
 * into it; an advisory with the same (source, id) replaces the old one.
 */
public final class AdvisoryStoreBuilder implements AutoCloseable {
    private final Path target;
    private final Path work;
    private final Connection connection;
    private final PreparedStatement deleteAdvisory;
    private final PreparedStatement insertAdvisory;
    private final PreparedStatement insertAffected;
    // Prepared once: a document is a savepoint, and preparing both statements anew for each was measurable.
    private final PreparedStatement savepoint;
    private final PreparedStatement release;
    /** Set when the build started from a copy of the live database: any advisory may already be in it. */
    private final boolean merging;
    /** (source, id) written by this build, so a fresh build deletes only what it wrote itself before. */
    private final Set<String> writtenKeys = new HashSet<>();

    /** Whether the indexes exist yet (see {@link #createIndexes}). */
    private boolean indexed;

    private boolean indexedAtSavepoint;

    private long nextId;
    private long written;
    private long writtenAtSavepoint;
    private boolean published;

    private AdvisoryStoreBuilder(Path target, Path work, Connection connection, boolean merging) throws SQLException {
        this.target = target;
        this.work = work;
        this.connection = connection;
        this.merging = merging;
        this.indexed = merging;
        savepoint = connection.prepareStatement("SAVEPOINT document");
        release = connection.prepareStatement("RELEASE document");
        try (Statement statement = connection.createStatement();
                ResultSet max = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM advisory")) {
            max.next();
            nextId = max.getLong(1) + 1;
        }
        deleteAdvisory = connection.prepareStatement("DELETE FROM advisory WHERE source = ? AND advisory_id = ?");
        insertAdvisory = connection.prepareStatement(
                "INSERT INTO advisory (source, advisory_id, aliases, summary, severity, severity_source, cvss, refs,"
                        + " published, modified, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insertAffected = connection.prepareStatement(
                "INSERT INTO affected (advisory, ecosystem, package, ranges, versions, fix_state, severity)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * Starts a new version of {@code target}: a copy of it when {@code merge} and it exists, else an empty database.
     */
    public static AdvisoryStoreBuilder start(Path target, boolean merge) throws IOException {
        Path directory = java.util.Objects.requireNonNull(
                target.toAbsolutePath().getParent(), "the database file has no directory");
        OwnerOnly.createDirectories(directory);
        // Created 0600 and written in place (never deleted and re-created by SQLite under the umask), so the
        // database is owner-only from its first byte and stays so once renamed over the live one.
        Path work = OwnerOnly.createTempFile(directory, ".advisories-", ".building");
        boolean copy = merge && Files.isRegularFile(target);
        if (copy) {
            try (var out = Files.newOutputStream(work, StandardOpenOption.TRUNCATE_EXISTING)) {
                Files.copy(target, out);
            }
        }
        try {
            // No generated keys: the builder sets its own ids, and the driver would otherwise query the last rowid
            // after every insert.
            java.util.Properties properties = new java.util.Properties();
            properties.setProperty("jdbc.get_generated_keys", "false");
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + work, properties);
            try (Statement statement = connection.createStatement()) {
                // A rollback journal, not OFF: a document that fails half-way is rolled back to its savepoint
                // (without a journal SQLite cannot roll back). In memory: the work file is thrown away when the
                // process dies, so the journal need not survive it, and writing it (and a statement journal for
                // each document's savepoint) to disk took a large part of an import.
                statement.execute("PRAGMA journal_mode = MEMORY");
                statement.execute("PRAGMA temp_store = MEMORY");
                statement.execute("PRAGMA synchronous = OFF");
                statement.execute("PRAGMA foreign_keys = ON");
                if (copy && AdvisoryStore.schemaVersion(connection) != AdvisoryStore.SCHEMA_VERSION) {
                    statement.execute("DROP TABLE IF EXISTS affected");
                    statement.execute("DROP TABLE IF EXISTS advisory");
                    statement.execute("DROP TABLE IF EXISTS meta");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                // The (source, advisory_id) key is a unique index rather than a constraint of the table, so that a
                // fresh build can create it, and the lookup indexes, once after the rows (see createIndexes).
                statement.execute("CREATE TABLE IF NOT EXISTS advisory (id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
                        + " advisory_id TEXT NOT NULL, aliases TEXT NOT NULL, summary TEXT, severity TEXT NOT NULL,"
                        + " severity_source TEXT NOT NULL, cvss TEXT NOT NULL, refs TEXT NOT NULL, published TEXT,"
                        + " modified TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS affected (advisory INTEGER NOT NULL REFERENCES"
                        + " advisory (id) ON DELETE CASCADE, ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
                        + " ranges TEXT NOT NULL, versions TEXT NOT NULL, fix_state TEXT NOT NULL, severity TEXT)");
                if (copy) {
                    createIndexes(statement);
                }
                statement.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '"
                        + AdvisoryStore.SCHEMA_VERSION + "')");
            }
            connection.setAutoCommit(false);
            return new AdvisoryStoreBuilder(target, work, connection, copy);
        } catch (SQLException e) {
            Files.deleteIfExists(work);
            throw new IOException("cannot build an advisory database in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key and lookup indexes. A fresh build creates them after its rows, which is cheaper than keeping them
     * up to date row by row; a build that must delete before that (a copy of the live database, or an input that
     * repeats an advisory) creates them first, so no delete ever scans a table.
     */
    private static void createIndexes(Statement statement) throws SQLException {
        statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS advisory_key ON advisory (source, advisory_id)");
        statement.execute("CREATE INDEX IF NOT EXISTS affected_lookup ON affected (ecosystem, package)");
        statement.execute("CREATE INDEX IF NOT EXISTS affected_advisory ON affected (advisory)");
    }

    private void ensureIndexes() throws SQLException {
        if (!indexed) {
            try (Statement statement = connection.createStatement()) {
                createIndexes(statement);
            }
            indexed = true;
        }
    }

    /** Adds (or replaces) one advisory. */
    public void put(Advisory advisory) throws IOException {
        try {
            // A fresh build holds only what it wrote: no statement for the (nearly always) new key.
            if (!writtenKeys.add(advisory.source() + '\n' + advisory.id()) || merging) {
                ensureIndexes();
                deleteAdvisory.setString(1, advisory.source());
                deleteAdvisory.setString(2, advisory.id());
                deleteAdvisory.executeUpdate();
            }
            insertAdvisory.setString(1, advisory.source());
            insertAdvisory.setString(2, advisory.id());
            insertAdvisory.setString(3, StoreJson.strings(advisory.aliases()));
            insertAdvisory.setString(4, advisory.summary());
            insertAdvisory.setString(5, advisory.severity().name());
            insertAdvisory.setString(6, advisory.severitySource());
            insertAdvisory.setString(7, StoreJson.cvss(advisory.cvss()));
            insertAdvisory.setString(8, StoreJson.strings(advisory.references()));
            insertAdvisory.setString(
                    9,
                    advisory.published() == null ? null : advisory.published().toString());
            insertAdvisory.setString(
                    10, advisory.modified() == null ? null : advisory.modified().toString());
            // Our own ids: asking the driver for the generated key ran a query per advisory.
            long key = nextId++;
            insertAdvisory.setLong(11, key);
            insertAdvisory.executeUpdate();
            for (AffectedPackage affected : advisory.affected()) {
                insertAffected.setLong(1, key);
                insertAffected.setString(2, affected.ecosystem());
                insertAffected.setString(3, affected.packageName());
                insertAffected.setString(4, StoreJson.ranges(affected.ranges()));
                insertAffected.setString(5, StoreJson.strings(affected.versions()));
                insertAffected.setString(6, affected.fixState().name());
                insertAffected.setString(
                        7,
                        affected.severity() == null ? null : affected.severity().name());
                insertAffected.addBatch();
            }
            insertAffected.executeBatch();
            written++;
        } catch (SQLException e) {
            throw new IOException("writing advisory " + advisory.id() + " failed: " + e.getMessage(), e);
        }
    }

    /** Marks the point {@link #rollbackToSavepoint()} returns to: the start of one document. */
    public void savepoint() throws IOException {
        try {
            savepoint.execute();
            writtenAtSavepoint = written;
            indexedAtSavepoint = indexed;
        } catch (SQLException e) {
            throw new IOException("marking a document in the advisory database failed: " + e.getMessage(), e);
        }
    }

    /** Undoes every advisory written since {@link #savepoint()}: a document that failed half-way leaves nothing. */
    public void rollbackToSavepoint() throws IOException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK TO document");
            statement.execute("RELEASE document");
            written = writtenAtSavepoint;
            indexed = indexedAtSavepoint; // indexes created since the savepoint were rolled back with it
        } catch (SQLException e) {
            throw new IOException("undoing a failed document failed: " + e.getMessage(), e);
        }
    }

    public void releaseSavepoint() throws IOException {
        try {
            release.execute();
        } catch (SQLException e) {
            throw new IOException("finishing a document failed: " + e.getMessage(), e);
        }
    }

    public long written() {
        return written;
    }

    /** Commits and atomically replaces the live database with the new one. */
    public void publish(Instant builtAt) throws IOException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT OR REPLACE INTO meta VALUES ('built_at', '" + builtAt + "')");
            ensureIndexes();
            connection.commit();
            statement.execute("PRAGMA optimize");
            connection.close();
        } catch (SQLException e) {
            throw new IOException("finishing the advisory database failed: " + e.getMessage(), e);
        }
        Files.move(work, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        published = true;
    }

    /** Abandons the new version unless it was published; the live database is untouched. */
    @Override
    public void close() throws IOException {
        if (published) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // The work file is deleted below either way.
        }
        Files.deleteIfExists(work);
    }
}
