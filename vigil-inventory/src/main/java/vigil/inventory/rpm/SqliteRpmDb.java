package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import vigil.inventory.InventoryException;
import vigil.inventory.fs.FileTrees;

/**
 * rpm's SQLite backend ({@code rpmdb.sqlite}, table {@code Packages(hnum, blob)}). The database and its
 * {@code -wal} journal are copied to a private directory first: SQLite writes beside a WAL-mode database it opens,
 * and the scanned target must never change.
 */
final class SqliteRpmDb implements HeaderBlobs {
    static boolean looksLike(byte[] firstBytes) {
        return firstBytes.length >= 16
                && new String(firstBytes, 0, 15, java.nio.charset.StandardCharsets.US_ASCII).equals("SQLite format 3");
    }

    @Override
    public void read(Path file, String description, Consumer consumer) throws IOException {
        Path directory = Files.createTempDirectory("vigil-rpmdb-");
        try {
            Path copy = directory.resolve("rpmdb.sqlite");
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            if (Files.isRegularFile(wal)) {
                Files.copy(wal, directory.resolve("rpmdb.sqlite-wal"));
            }
            Properties properties = new Properties();
            properties.setProperty("open_mode", "1");
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy, properties);
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
                while (rows.next()) {
                    byte[] blob = rows.getBytes(2);
                    if (blob != null) {
                        consumer.accept(blob, description + " package " + rows.getLong(1));
                    }
                }
            } catch (SQLException e) {
                throw new InventoryException(
                        description + " is not a readable rpm SQLite database: " + e.getMessage(), e);
            }
        } finally {
            FileTrees.deleteTree(directory);
        }
    }
}
