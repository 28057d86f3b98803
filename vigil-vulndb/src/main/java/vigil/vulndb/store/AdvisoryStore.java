package vigil.vulndb.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AffectedPackage;

/**
 * Reads the advisory database: one SQLite file, opened read-only. {@link AdvisoryStoreBuilder} writes it; the file
 * is replaced atomically, so a reader never sees a half-built database. The entries and advisories it read are kept
 * (the most recently used, up to a bound), so a server that keeps one store open matches a fleet of similar hosts
 * from memory; its methods may be called from several threads.
 */
public final class AdvisoryStore implements AutoCloseable {
    static final int SCHEMA_VERSION = 1;

    /** One affected package of an advisory, with the advisory (whose own affected list is left empty). */
    public record Candidate(Advisory advisory, AffectedPackage affected) {}

    /** One affected package of an advisory, with the key that {@link #advisory(long)} reads the advisory by. */
    public record Affected(long advisoryKey, AffectedPackage affected) {}

    /** What {@code vigil db status} shows. */
    public record Status(
            Path file,
            int schemaVersion,
            @Nullable Instant builtAt,
            long advisories,
            Map<String, Long> advisoriesBySource,
            Map<String, Long> packagesByEcosystem) {}

    private final Path file;
    private final Connection connection;
    private final PreparedStatement affectedQuery;
    private final PreparedStatement advisoryQuery;
    /** How many packages' entries and how many advisories a store keeps read. */
    static final int CACHED = 20_000;

    private final Map<Long, Advisory> advisories = lru(CACHED);
    private final Map<String, List<Affected>> affected = lru(CACHED);

    private AdvisoryStore(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        // ecosystem and package are the query's own: not read back for each of tens of thousands of rows
        this.affectedQuery = connection.prepareStatement(
                "SELECT advisory, ranges, versions, fix_state, severity FROM affected WHERE ecosystem = ? AND package = ?");
        this.advisoryQuery = connection.prepareStatement(
                "SELECT source, advisory_id, aliases, summary, severity, severity_source, cvss, refs, published,"
                        + " modified FROM advisory WHERE id = ?");
    }

    /** The database file inside a data directory. */
    public static Path fileIn(Path dataDirectory) {
        return dataDirectory.resolve("db").resolve("advisories.db");
    }

    public static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    public static AdvisoryStore open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no advisory database at " + file);
        }
        try {
            Properties properties = new Properties();
            properties.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
            // the driver itself, not DriverManager: its first connection loads every JDBC driver on the class path
            // (PostgreSQL's too, which starts java.util.logging) and the scan needs only this one
            Connection connection = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, properties);
            int version = schemaVersion(connection);
            mapInMemory(connection);
            if (version != SCHEMA_VERSION) {
                connection.close();
                throw new IOException("the advisory database " + file + " has schema " + version + ", this Vigil reads "
                        + SCHEMA_VERSION + "; run 'vigil db update' or 'vigil db import' to rebuild it");
            }
            return new AdvisoryStore(file, connection);
        } catch (SQLException e) {
            throw new IOException(
                    "cannot open the advisory database " + file + ": " + e.getMessage()
                            + "; run 'vigil db update' or 'vigil db import' to rebuild it",
                    e);
        }
    }

    /**
     * Reads the file through a memory map rather than read(2) into SQLite's own 2 MB page cache: a scan looks up a
     * few hundred packages whose rows lie all over the file, so most pages were read, copied and evicted again. The
     * file is never written in place (a new database replaces it by rename), so the map stays valid while open.
     */
    private static void mapInMemory(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA mmap_size = " + (1L << 30));
        }
    }

    static int schemaVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            return rows.next() ? Integer.parseInt(rows.getString(1)) : -1;
        }
    }

    public Path file() {
        return file;
    }

    /** Every affected-package entry for {@code packageName} in {@code ecosystem}, with its advisory. */
    public List<Candidate> lookup(String ecosystem, String packageName) throws IOException {
        List<Candidate> candidates = new ArrayList<>();
        for (Affected entry : affected(ecosystem, packageName)) {
            candidates.add(new Candidate(advisory(entry.advisoryKey()), entry.affected()));
        }
        return candidates;
    }

    /**
     * Every affected-package entry for {@code packageName} in {@code ecosystem}, without its advisory: matching
     * evaluates the ranges first and reads only the advisories that apply (most entries do not).
     */
    public synchronized List<Affected> affected(String ecosystem, String packageName) throws IOException {
        String key = ecosystem + '\0' + packageName;
        List<Affected> cached = affected.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            affectedQuery.setString(1, ecosystem);
            affectedQuery.setString(2, packageName);
            List<Affected> entries = new ArrayList<>();
            // The advisories of one package mostly repeat a few ranges (one fixed version closes many CVEs): each
            // distinct column text is parsed once, and its entries share the (immutable) lists, which also lets
            // matching evaluate each distinct entry once.
            Map<String, List<AffectedPackage.VersionRange>> ranges = new HashMap<>();
            Map<String, List<String>> versions = new HashMap<>();
            try (ResultSet rows = affectedQuery.executeQuery()) {
                while (rows.next()) {
                    String packageSeverity = rows.getString(5);
                    entries.add(new Affected(
                            rows.getLong(1),
                            new AffectedPackage(
                                    ecosystem,
                                    packageName,
                                    ranges.computeIfAbsent(
                                            rows.getString(2), text -> List.copyOf(StoreJson.ranges(text))),
                                    versions.computeIfAbsent(
                                            rows.getString(3), text -> List.copyOf(StoreJson.strings(text))),
                                    FixState.valueOf(rows.getString(4)),
                                    packageSeverity == null ? null : Severity.valueOf(packageSeverity))));
                }
            }
            List<Affected> read = List.copyOf(entries);
            affected.put(key, read);
            return read;
        } catch (SQLException e) {
            throw new IOException("reading the advisory database " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The advisory behind {@link Affected#advisoryKey()}; read once per store. */
    public synchronized Advisory advisory(long key) throws IOException {
        Advisory cached = advisories.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            advisoryQuery.setLong(1, key);
            try (ResultSet rows = advisoryQuery.executeQuery()) {
                if (!rows.next()) {
                    throw missing(key);
                }
                Advisory advisory = advisory(rows, 0);
                advisories.put(key, advisory);
                return advisory;
            }
        } catch (SQLException e) {
            throw new IOException("reading the advisory database " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** How many advisories {@link #advisories} reads with one statement. */
    private static final int BATCH = 500;

    /**
     * The advisories behind {@code keys}, in their order, each read once per store: those not read yet are read
     * {@value #BATCH} to a statement (a scan that reports thousands of findings spent more on one statement per
     * advisory than on reading them).
     */
    public synchronized List<Advisory> advisories(List<Long> keys) throws IOException {
        Map<Long, Advisory> found = new java.util.HashMap<>();
        java.util.Set<Long> missing = new java.util.LinkedHashSet<>();
        for (Long key : keys) {
            Advisory cached = advisories.get(key);
            if (cached != null) {
                found.put(key, cached);
            } else {
                missing.add(key);
            }
        }
        List<Long> unread = new ArrayList<>(missing);
        try {
            for (int from = 0; from < unread.size(); from += BATCH) {
                List<Long> batch = unread.subList(from, Math.min(unread.size(), from + BATCH));
                String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
                try (PreparedStatement query = connection.prepareStatement("SELECT id, source, advisory_id,"
                        + " aliases, summary, severity, severity_source, cvss, refs, published, modified FROM advisory"
                        + " WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < batch.size(); i++) {
                        query.setLong(i + 1, batch.get(i));
                    }
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            found.put(rows.getLong(1), advisory(rows, 1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("reading the advisory database " + file + " failed: " + e.getMessage(), e);
        }
        List<Advisory> out = new ArrayList<>(keys.size());
        for (Long key : keys) {
            Advisory advisory = found.get(key);
            if (advisory == null) {
                throw missing(key);
            }
            advisories.put(key, advisory);
            out.add(advisory);
        }
        return out;
    }

    private IOException missing(long key) {
        return new IOException("the advisory database " + file + " has no advisory " + key
                + "; it is damaged, run 'vigil db update' or 'vigil db import' to rebuild it");
    }

    /** The advisory in the current row, whose columns start after {@code offset} others. */
    private static Advisory advisory(ResultSet rows, int offset) throws SQLException {
        return new Advisory(
                rows.getString(offset + 2),
                StoreJson.strings(rows.getString(offset + 3)),
                rows.getString(offset + 1),
                rows.getString(offset + 4),
                Severity.valueOf(rows.getString(offset + 5)),
                rows.getString(offset + 6),
                StoreJson.cvss(rows.getString(offset + 7)),
                StoreJson.strings(rows.getString(offset + 8)),
                instant(rows.getString(offset + 9)),
                instant(rows.getString(offset + 10)),
                List.of());
    }

    /** Whether any advisory affects a package in {@code ecosystem}: one probe of the lookup index. */
    public synchronized boolean covers(String ecosystem) throws IOException {
        try (PreparedStatement probe =
                connection.prepareStatement("SELECT 1 FROM affected WHERE ecosystem = ? LIMIT 1")) {
            probe.setString(1, ecosystem);
            try (ResultSet rows = probe.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IOException("reading the advisory database " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Build time and advisory count, what a scan report names; {@link #status()} adds the per-source counts. */
    public synchronized Status summary() throws IOException {
        return status(false);
    }

    /** Everything {@code vigil db status} shows, including counts per source and ecosystem (grouped scans). */
    public synchronized Status status() throws IOException {
        return status(true);
    }

    private Status status(boolean grouped) throws IOException {
        try (Statement statement = connection.createStatement()) {
            Instant built = null;
            try (ResultSet rows = statement.executeQuery("SELECT value FROM meta WHERE key = 'built_at'")) {
                if (rows.next()) {
                    built = Instant.parse(rows.getString(1));
                }
            }
            long total;
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM advisory")) {
                total = rows.next() ? rows.getLong(1) : 0;
            }
            Map<String, Long> bySource = new LinkedHashMap<>();
            Map<String, Long> byEcosystem = new LinkedHashMap<>();
            if (!grouped) {
                return new Status(file, schemaVersion(connection), built, total, bySource, byEcosystem);
            }
            try (ResultSet rows =
                    statement.executeQuery("SELECT source, count(*) FROM advisory GROUP BY source ORDER BY source")) {
                while (rows.next()) {
                    bySource.put(rows.getString(1), rows.getLong(2));
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT ecosystem, count(*) FROM affected GROUP BY ecosystem ORDER BY ecosystem")) {
                while (rows.next()) {
                    byEcosystem.put(rows.getString(1), rows.getLong(2));
                }
            }
            return new Status(file, schemaVersion(connection), built, total, bySource, byEcosystem);
        } catch (SQLException e) {
            throw new IOException("reading the advisory database " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** A map that forgets its least recently used entry beyond {@code bound} entries. */
    private static <K, V> Map<K, V> lru(int bound) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > bound;
            }
        };
    }

    private static @Nullable Instant instant(@Nullable String text) {
        return text == null ? null : StoreJson.instant(text);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            affectedQuery.close();
            advisoryQuery.close();
            connection.close();
        } catch (SQLException e) {
            throw new IOException("closing the advisory database " + file + " failed: " + e.getMessage(), e);
        }
    }
}
