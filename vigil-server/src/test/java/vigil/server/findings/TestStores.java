package vigil.server.findings;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;

/** Fresh stores of either kind for the store's ITs (SQLite in a directory, a database of an embedded PostgreSQL). */
final class TestStores implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    TestStores() throws IOException {
        this.postgres = EmbeddedPostgres.builder().start();
    }

    /** A JDBC URL for a fresh, empty store of {@code kind} ({@code sqlite} or {@code postgresql}). */
    String url(String kind, Path directory) throws Exception {
        if (kind.equals("sqlite")) {
            return "jdbc:sqlite:" + directory.resolve("server-" + UUID.randomUUID() + ".db");
        }
        String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database
                + "?user=postgres&password=postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    static String organization(Jdbi jdbi, String name) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.execute("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, 0)", id, name));
        return id;
    }

    /** A vulnerability finding: {@code rule} in {@code pkg} (installed 1.0) on a host. */
    static Finding vulnerability(String rule, Severity severity, String resourceId, String pkg, String fixed) {
        return finding(
                Category.VULNERABILITY,
                rule,
                severity,
                new Resource(
                        "host",
                        resourceId,
                        resourceId.substring(resourceId.indexOf(':') + 1),
                        null,
                        null,
                        null,
                        Map.of()),
                new Evidence.VulnerablePackage(
                        pkg,
                        "1.0",
                        "pkg:deb/debian/" + pkg + "@1.0",
                        fixed,
                        FixState.FIXED,
                        List.of(),
                        List.of(),
                        "test",
                        "test",
                        rule));
    }

    /** A posture finding: {@code rule} failed on a cloud resource of an account, with generic evidence. */
    static Finding posture(String rule, Severity severity, String resourceId, @Nullable String account) {
        return finding(
                Category.MISCONFIGURATION,
                rule,
                severity,
                new Resource("aws_s3_bucket", resourceId, resourceId, account, null, null, Map.of()),
                new Evidence.Attributes(Map.of("check", rule, "actual", "public")));
    }

    private static Finding finding(
            Category category, String rule, Severity severity, Resource resource, Evidence evidence) {
        String id = UUID.nameUUIDFromBytes(
                        (category + "|" + rule + "|" + resource.id()).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new Finding(
                id,
                category,
                new RuleRef(rule, "flaw " + rule, severity, List.of()),
                resource,
                new FindingStatus.Open(),
                Instant.EPOCH,
                Instant.EPOCH,
                evidence,
                null);
    }
}
