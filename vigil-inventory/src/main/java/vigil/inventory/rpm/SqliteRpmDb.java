package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteOpenMode;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.RootFile;
import vigil.inventory.fs.FileTrees;

/**
 * rpm's SQLite backend ({@code rpmdb.sqlite}, table {@code Packages(hnum, blob)}). The database and its
 * {@code -wal} journal (when it is a regular file inside the root) are copied, size-limited, from the files opened
 * inside the root into a private directory (0700): SQLite writes beside a WAL-mode database it opens, and the
 * scanned target must never change. The copy is opened read-only and {@code query_only}, its schema checked
 * ({@code Packages} must be a plain table with those columns, not a view or a virtual table), every statement runs
 * under a time limit, and the directory is deleted on every way out.
 */
final class SqliteRpmDb implements HeaderBlobs {
    /** Reading a real rpmdb takes well under a second; this is the most any query of it may take. */
    static final Duration TIME_LIMIT = Duration.ofSeconds(30);

    /** Opens the {@code -wal} companion inside the root, if there is one. */
    @FunctionalInterface
    interface Companion {
        Optional<RootFile> open() throws IOException;
    }

    private final Companion wal;
    private final Duration timeLimit;
    private final @Nullable Path temporaryParent;

    SqliteRpmDb(Companion wal) {
        this(wal, TIME_LIMIT, null);
    }

    /** With a time limit and a parent for the private directory other than the system's (tests). */
    SqliteRpmDb(Companion wal, Duration timeLimit, @Nullable Path temporaryParent) {
        this.wal = wal;
        this.timeLimit = timeLimit;
        this.temporaryParent = temporaryParent;
    }

    static boolean looksLike(byte[] firstBytes) {
        return firstBytes.length >= 16
                && new String(firstBytes, 0, 15, StandardCharsets.US_ASCII).equals("SQLite format 3");
    }

    @Override
    public void read(RootFile file, Consumer consumer) throws IOException {
        String description = file.name();
        Path directory = privateDirectory();
        try {
            Path copy = directory.resolve("rpmdb.sqlite");
            LimitedFiles.copy(file, copy, LimitedFiles.DATABASE_LIMIT);
            Optional<RootFile> journal = wal.open();
            if (journal.isPresent()) {
                try (RootFile opened = journal.get()) {
                    LimitedFiles.copy(opened, directory.resolve("rpmdb.sqlite-wal"), LimitedFiles.DATABASE_LIMIT);
                }
            }
            query(copy, description, consumer);
        } finally {
            FileTrees.deleteTree(directory);
        }
    }

    private Path privateDirectory() throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] owner = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
                }
                : new FileAttribute<?>[0];
        return temporaryParent == null
                ? Files.createTempDirectory("vigil-rpmdb-", owner)
                : Files.createTempDirectory(temporaryParent, "vigil-rpmdb-", owner);
    }

    private void query(Path copy, String description, Consumer consumer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        long deadline = System.nanoTime() + timeLimit.toNanos();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy, config.toProperties())) {
            // Interrupts any statement, however it loops (a recursive view, a huge join), once the time is up.
            ProgressHandler.setHandler(connection, 1000, new ProgressHandler() {
                @Override
                protected int progress() {
                    return System.nanoTime() - deadline > 0 ? 1 : 0;
                }
            });
            SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
            sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, MAX_BLOB + 1);
            sqlite.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
            try (Statement pragmas = connection.createStatement()) {
                pragmas.execute("PRAGMA query_only = ON");
                pragmas.execute("PRAGMA trusted_schema = OFF");
                pragmas.execute("PRAGMA cell_size_check = ON");
                pragmas.execute("PRAGMA mmap_size = 0");
            }
            checkSchema(connection, description);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT hnum, length(blob), CASE WHEN length(blob) <= ? THEN blob END FROM Packages"
                            + " ORDER BY hnum")) {
                statement.setLong(1, MAX_BLOB);
                try (ResultSet rows = statement.executeQuery()) {
                    int count = 0;
                    while (rows.next()) {
                        if (++count > LimitedFiles.PACKAGE_LIMIT) {
                            throw new InventoryException(description + " has more than " + LimitedFiles.PACKAGE_LIMIT
                                    + " packages; it is not a real rpm database");
                        }
                        String where = description + " package " + rows.getLong(1);
                        long length = rows.getLong(2);
                        byte[] blob = rows.getBytes(3);
                        if (length > MAX_BLOB) {
                            throw new InventoryException(where + ": header of " + length
                                    + " bytes is larger than any rpm header; the database is not a real one");
                        }
                        if (blob != null) {
                            consumer.accept(blob, where);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            if (System.nanoTime() - deadline > 0) {
                throw new InventoryException(
                        description + " could not be read within " + timeLimit.toSeconds()
                                + " s (its queries never end: it is not a real rpm database)",
                        e);
            }
            throw new InventoryException(description + " is not a readable rpm SQLite database: " + e.getMessage(), e);
        }
    }

    /**
     * {@code Packages} must be an ordinary table with {@code hnum} and {@code blob} columns (neither generated): a
     * view or virtual table would run the database's own code for every read.
     */
    private static void checkSchema(Connection connection, String description) throws SQLException {
        String type = null;
        String sql = "";
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT type, sql FROM sqlite_schema WHERE lower(name) = 'packages'")) {
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (type != null) {
                        throw new InventoryException(description + ": more than one schema object named Packages");
                    }
                    type = String.valueOf(rows.getString(1));
                    sql = String.valueOf(rows.getString(2));
                }
            }
        }
        if (type == null) {
            throw new InventoryException(description + " has no Packages table; it is not an rpm database");
        }
        if (!type.equals("table") || sql.toUpperCase(Locale.ROOT).contains("VIRTUAL")) {
            throw new InventoryException(description + ": Packages is a " + type
                    + (type.equals("table") ? " (virtual)" : "")
                    + ", not a plain table as rpm writes it; the database is not a real rpm one");
        }
        Map<String, Integer> columns = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA table_xinfo(Packages)")) {
            while (rows.next()) {
                columns.put(rows.getString("name").toLowerCase(Locale.ROOT), rows.getInt("hidden"));
            }
        }
        for (String column : new String[] {"hnum", "blob"}) {
            Integer hidden = columns.get(column);
            if (hidden == null || hidden != 0) {
                throw new InventoryException(
                        description + ": Packages has no plain column " + column + "; it is not an rpm database");
            }
        }
    }
}
