package vigil.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Runs a PostgreSQL from the embedded binaries until killed, and prints the URL for {@code vigil server
 * --database}: the benchmarks' PostgreSQL on a machine without one.
 *
 * <p>The embedded builder starts PostgreSQL with {@code -F} (fsync off) and {@code synchronous_commit=off}, fit for
 * tests but not for a benchmark of a store that must keep what it acknowledged: both are turned back on here, as a
 * production PostgreSQL has them, and the settings in force are printed after the URL.
 */
public final class PostgresForBench {
    private PostgresForBench() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start()) {
            System.out.println("postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
            StringBuilder settings = new StringBuilder("settings");
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN"
                            + " ('fsync', 'synchronous_commit', 'full_page_writes', 'server_version') ORDER BY name")) {
                while (rows.next()) {
                    settings.append(' ').append(rows.getString(1)).append('=').append(rows.getString(2));
                }
            }
            System.out.println(settings);
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
