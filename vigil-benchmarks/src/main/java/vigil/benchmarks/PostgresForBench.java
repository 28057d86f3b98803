package vigil.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Runs a PostgreSQL from the embedded binaries until killed, and prints the URL for {@code vigil server
 * --database}: the benchmarks' PostgreSQL on a machine without one.
 */
public final class PostgresForBench {
    private PostgresForBench() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            System.out.println("postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
