package vigil.inventory.rpm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** SQLite rpm databases made by the tests with the real SQLite: {@code Packages(hnum, blob)} as rpm creates it. */
public final class TestRpmDbs {
    private TestRpmDbs() {}

    /** A database holding one package per name, checkpointed (no -wal left). */
    public static void create(Path file, String... names) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
            insert(connection, names);
        }
    }

    private static void pragma(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                java.sql.ResultSet ignored = statement.executeQuery(sql)) {
            // the result row is not needed; closing it lets the next write commit
        }
    }

    static void insert(Connection connection, String... names) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
            for (String name : names) {
                insert.setBytes(1, TestHeaders.packageNamed(name, "1.0", "1").blob());
                insert.executeUpdate();
            }
        }
    }

    /**
     * A WAL-mode database whose file holds {@code inFile} and whose {@code -wal} journal (written to {@code wal})
     * adds {@code inWal}: SQLite reads the second package only through that journal.
     */
    public static void createWithWal(Path file, Path wal, String inFile, String inWal) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            pragma(connection, "PRAGMA journal_mode = WAL");
            pragma(connection, "PRAGMA wal_autocheckpoint = 0");
            statement.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
            insert(connection, inFile);
            pragma(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            insert(connection, inWal);
            // Copied while the connection is open: closing it would checkpoint the journal into the file.
            Path journal = file.resolveSibling(file.getFileName() + "-wal");
            Path snapshot = file.resolveSibling(file.getFileName() + ".snapshot");
            Files.copy(journal, wal);
            Files.copy(file, snapshot);
        }
        Files.move(
                file.resolveSibling(file.getFileName() + ".snapshot"),
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-wal"));
    }
}
