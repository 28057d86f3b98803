package vigil.inventory.rpm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /**
     * A Berkeley DB hash file: meta page, one hash page whose {@code entries} entries all point at one overflow item
     * starting at page 2, then overflow pages 2, 3, ... whose next pages are {@code next} (0 ends the chain).
     */
    public static byte[] berkeleyDb(int entries, long declaredLength, int... next) {
        int pageSize = 4096;
        int pages = 2 + next.length;
        ByteBuffer file = ByteBuffer.allocate(pageSize * pages).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(12, 0x061561).putInt(20, pageSize).putInt(32, pages - 1);
        int hash = pageSize;
        file.put(hash + 25, (byte) 13).putShort(hash + 20, (short) (entries * 2));
        int item = pageSize - 16;
        for (int entry = 0; entry < entries * 2; entry++) {
            file.putShort(hash + 26 + entry * 2, (short) item);
        }
        file.put(hash + item, (byte) 3).putInt(hash + item + 4, 2).putInt(hash + item + 8, (int) declaredLength);
        byte[] header = TestHeaders.packageNamed("bdb", "1", "1").blob();
        for (int i = 0; i < next.length; i++) {
            int page = (2 + i) * pageSize;
            file.put(page + 25, (byte) 7).putInt(page + 16, next[i]).putShort(page + 22, (short) header.length);
            file.put(page + 26, header);
        }
        return file.array();
    }

    /** An NDB file with one slot page whose {@code slots} slots all point at the one blob at block 256. */
    public static byte[] ndb(int slots) {
        byte[] header = TestHeaders.packageNamed("ndb", "1", "1").blob();
        ByteBuffer file = ByteBuffer.allocate(4096 + 16 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0, 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24).putInt(12, 1);
        for (int slot = 0; slot < 254; slot++) {
            int at = 32 + slot * 16;
            file.putInt(at, 'S' | 'l' << 8 | 'o' << 16 | 't' << 24);
            if (slot < slots) {
                file.putInt(at + 4, 1).putInt(at + 8, 4096 / 16);
            }
        }
        file.putInt(4096, 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24)
                .putInt(4096 + 4, 1)
                .putInt(4096 + 12, header.length);
        file.put(4096 + 16, header);
        return file.array();
    }
}
