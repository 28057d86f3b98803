package vigil.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's store: an SQLite file in the data directory (nothing to install), or PostgreSQL when a
 * {@code postgresql://} URL is given. Both run the same Flyway migrations and the same SQL.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    /** What requests use: the pool itself, or for SQLite the pool behind {@link SqliteWriteGate}. */
    private final javax.sql.DataSource connections;

    private final Jdbi jdbi;
    private final boolean sqlite;
    /** SQLite: copies committed pages from the write-ahead log into the database, off the writers' path. */
    private final java.util.concurrent.@org.jspecify.annotations.Nullable ScheduledExecutorService checkpointer;

    /**
     * SQLite's own checkpoint, run by the transaction that crosses this many pages in the log, is only a backstop:
     * the checkpointer thread normally copies them first. At the default (1,000 pages) every commit of a new host's
     * thousands of findings checkpointed (and synced) before it returned: 150-190 ms of a 0.8 s batch.
     */
    static final int WAL_BACKSTOP_PAGES = 20_000;

    /** The page size of a new SQLite store, in bytes (ADR 0041). */
    static final int PAGE_SIZE = 16_384;

    /** How long a write transaction waits for SQLite's one write lock (as {@code busy_timeout} does). */
    static final java.time.Duration WRITE_WAIT = java.time.Duration.ofSeconds(30);

    /** How often the checkpointer looks for committed pages. */
    static final java.time.Duration CHECKPOINT_EVERY = java.time.Duration.ofMillis(500);

    private Database(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
        this.connections = sqlite ? new SqliteWriteGate(dataSource, WRITE_WAIT) : dataSource;
        this.jdbi = Jdbi.create(connections);
        if (sqlite) {
            checkpointer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("vigil-checkpoint").factory());
            checkpointer.scheduleWithFixedDelay(
                    this::checkpoint,
                    CHECKPOINT_EVERY.toMillis(),
                    CHECKPOINT_EVERY.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            checkpointer = null;
        }
    }

    /** How long a request waits for a PostgreSQL connection before the store counts as unavailable. */
    static final java.time.Duration PG_CONNECTION_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** The health probe's own connection: a probe must not wait behind the pool nor hold one of its few. */
    private java.sql.@org.jspecify.annotations.Nullable Connection probeConnection;

    /**
     * Checks that the store answers ({@code SELECT 1}) and, with {@code write}, that it takes a write (one row of
     * {@code store_probe}); on its own connection with short timeouts. Throws what the store threw.
     */
    public synchronized void probe(boolean write) throws java.sql.SQLException {
        java.sql.Connection connection = probeConnection;
        try {
            if (connection == null || connection.isClosed()) {
                java.util.Properties properties = new java.util.Properties();
                if (dataSource.getUsername() != null) {
                    properties.setProperty("user", dataSource.getUsername());
                }
                if (dataSource.getPassword() != null) {
                    properties.setProperty("password", dataSource.getPassword());
                }
                if (!sqlite) {
                    properties.setProperty("connectTimeout", "2");
                    properties.setProperty("socketTimeout", "5");
                    properties.setProperty("loginTimeout", "3");
                }
                connection = java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
                probeConnection = connection;
                if (sqlite) {
                    try (java.sql.Statement statement = connection.createStatement()) {
                        statement.execute("PRAGMA busy_timeout = 2000");
                    }
                }
            }
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                if (write) {
                    statement.executeUpdate("UPDATE store_probe SET probed_at = " + System.currentTimeMillis());
                }
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            probeConnection = null;
            if (connection != null) {
                try {
                    connection.close();
                } catch (java.sql.SQLException ignored) {
                    // broken already: the next probe opens a new one
                }
            }
            throw e;
        }
    }

    /**
     * Bytes free for SQLite's files on their file system; unbounded for PostgreSQL (its server reports a full disk
     * itself). A tiny write may still fit in the write-ahead log's reused space when the disk is full, so a health
     * probe's write alone does not show that space was freed.
     */
    public long usableSpace() {
        if (!sqlite) {
            return Long.MAX_VALUE;
        }
        try {
            String file = dataSource.getJdbcUrl().substring("jdbc:sqlite:".length());
            int query = file.indexOf('?');
            Path path = Path.of(query >= 0 ? file.substring(0, query) : file).toAbsolutePath();
            return Files.getFileStore(path).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE; // an in-memory or unusual URL: the write probe decides alone
        }
    }

    /**
     * Gives a new (empty) SQLite store {@link #PAGE_SIZE} pages before anything else writes its header: the driver
     * sets WAL mode before any other pragma, and from then on a page size changes only by a VACUUM. An existing
     * store keeps its page size. A new host's findings go to random places of four indexes; with 16 KiB pages they
     * dirty, and write to the log and back, fewer and larger pages, in fewer system calls (ADR 0041).
     */
    private static void newStorePageSize(String jdbcUrl) throws IOException {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path path = Path.of(file);
        try {
            if (Files.exists(path) && Files.size(path) > 0) {
                return;
            }
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(jdbcUrl);
                    java.sql.Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA page_size = " + PAGE_SIZE);
                statement.execute("PRAGMA journal_mode = WAL");
            }
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot create the store " + path + ": " + e.getMessage(), e);
        }
    }

    /** The checkpointer's own connection (not one of the pool's few), used only by its thread. */
    private volatile java.sql.@org.jspecify.annotations.Nullable Connection checkpointConnection;

    /**
     * A passive checkpoint: copies what it can without waiting for readers or the writer (the log is then reused
     * from its start by the next writer once no reader needs it). Failures are left to the next round.
     */
    private void checkpoint() {
        try {
            java.sql.Connection connection = checkpointConnection;
            if (connection == null) {
                connection = java.sql.DriverManager.getConnection(dataSource.getJdbcUrl());
                checkpointConnection = connection;
            }
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            // busy or closing: the next round (or SQLite's backstop) copies the pages
        }
    }

    /**
     * Opens and migrates.
     *
     * @param url null for SQLite in {@code dataDirectory/server.db}; else {@code postgresql://user:pass@host/db} or a
     *     {@code jdbc:postgresql:} URL
     */
    public static Database open(Path dataDirectory, @org.jspecify.annotations.Nullable String url) throws IOException {
        HikariConfig config = new HikariConfig();
        if (url != null && !url.startsWith("jdbc:sqlite:")) {
            config.setJdbcUrl(jdbcUrl(url));
            String[] credentials = credentials(url);
            if (credentials != null) {
                config.setUsername(credentials[0]);
                config.setPassword(credentials[1]);
            }
            // the driver sends a batch of inserts as multi-row statements, not one round trip per row
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.setMaximumPoolSize(16);
            // a database that is down answers 503 after this wait, not after Hikari's default of 30 s
            config.setConnectionTimeout(PG_CONNECTION_TIMEOUT.toMillis());
        } else {
            String jdbcUrl = url;
            if (jdbcUrl == null) {
                // SQLite gives its -wal and -shm files the database file's mode: made 0600 here, they are too
                PrivateFiles.directory(dataDirectory);
                PrivateFiles.file(dataDirectory.resolve("server.db"));
                jdbcUrl = "jdbc:sqlite:" + dataDirectory.resolve("server.db");
            }
            config.setJdbcUrl(jdbcUrl);
            newStorePageSize(jdbcUrl);
            // WAL lets readers run beside the writer; busy_timeout makes concurrent writers wait, not fail.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "30000");
            config.addDataSourceProperty("synchronous", "NORMAL");
            // 64 MiB of page cache per connection (SQLite's default is 2 MiB; allocated as used): a scan's findings go
            // to random places of four indexes, and with less each host's batch read most of their pages back from
            // the OS (ADR 0038, 0041)
            config.addDataSourceProperty("cache_size", "-65536");
            config.addDataSourceProperty("foreign_keys", "true");
            config.addDataSourceProperty("wal_autocheckpoint", String.valueOf(WAL_BACKSTOP_PAGES));
            // Writers take the lock when they begin, so two transactions never deadlock upgrading a read lock.
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            config.setConnectionInitSql("PRAGMA busy_timeout = 30000");
            config.setMaximumPoolSize(4);
        }
        config.setPoolName("vigil-store");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot open the store " + redact(url, dataDirectory) + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .javaMigrations(new SearchIndexMigration())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new IOException(
                    "migrating the store " + redact(url, dataDirectory) + " failed: " + e.getMessage(), e);
        }
        return new Database(dataSource, url == null || url.startsWith("jdbc:sqlite:"));
    }

    /** {@code postgresql://u:p@h:5432/db?x=y} → {@code jdbc:postgresql://h:5432/db?x=y}. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--database takes a postgresql:// URL, not " + uri.getScheme() + "://");
        }
        return "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static String @org.jspecify.annotations.Nullable [] credentials(String url) {
        if (url.startsWith("jdbc:")) {
            return null;
        }
        String info = URI.create(url).getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        return colon < 0 ? new String[] {info, ""} : new String[] {info.substring(0, colon), info.substring(colon + 1)};
    }

    /** Names a store in messages without its password. */
    static String redact(@org.jspecify.annotations.Nullable String url, Path dataDirectory) {
        if (url == null) {
            return dataDirectory.resolve("server.db").toString();
        }
        return url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@").replaceAll("password=[^&]*", "password=***");
    }

    /** The data source requests use (for SQLite, a {@link SqliteWriteGate}), for tests. */
    javax.sql.DataSource connections() {
        return connections;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    /**
     * SQLite plans from statistics it only gathers when asked: without them the resource filter scans the status
     * index. {@code PRAGMA optimize} analyzes the tables that changed much since their last analysis (sampling, as
     * {@code analysis_limit} would, gives estimates too wrong for the list index to be passed over). The search's
     * FTS5 tables are then left without statistics: analyzed while nearly empty they are recorded with two rows,
     * and FTS5's own range deletes then scan instead of seek on every merge (when every finding was indexed, a fresh
     * store took 286 new findings/s instead of 20,000); without statistics the seek is chosen at every size.
     * PostgreSQL's autovacuum keeps its own statistics.
     */
    public void refreshStatistics() {
        if (!sqlite) {
            return;
        }
        // A connection loads statistics when it opens, not when another one analyzes: after the refresh every
        // pooled connection is replaced, and none ever sees the FTS5 rows, deleted in the same transaction.
        try (java.sql.Connection connection = connections.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                statement.execute("PRAGMA optimize=0x10002");
                statement.executeUpdate("DELETE FROM sqlite_stat1 WHERE tbl GLOB 'search_term_text*'");
                try (java.sql.ResultSet stat4 =
                        statement.executeQuery("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'")) {
                    if (stat4.next()) {
                        statement.executeUpdate("DELETE FROM sqlite_stat4 WHERE tbl GLOB 'search_term_text*'");
                    }
                }
                connection.commit();
                dataSource.getHikariPoolMXBean().softEvictConnections();
            } catch (java.sql.SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("refreshing the store's statistics failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            java.sql.Connection probe = probeConnection;
            probeConnection = null;
            if (probe != null) {
                try {
                    probe.close();
                } catch (java.sql.SQLException e) {
                    // nothing was pending on it
                }
            }
        }
        if (checkpointer != null) {
            checkpointer.shutdownNow();
            try {
                checkpointer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            java.sql.Connection connection = checkpointConnection;
            if (connection != null) {
                try {
                    connection.close();
                } catch (java.sql.SQLException e) {
                    // its thread is gone; nothing was pending on it
                }
            }
        }
        dataSource.close();
    }
}
