package vigil.benchmarks;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.jdbi.v3.core.statement.PreparedBatch;
import vigil.server.VigilServer;
import vigil.server.store.Database;
import vigil.server.store.SearchIndexMigration;

/**
 * Fills a server data directory with synthetic findings for the UI and API benchmarks: {@code hosts} hosts with
 * {@code perHost} findings each, spread over 90 days, a tenth resolved and a few muted.
 *
 * <p>usage: {@code java -cp benchmarks.jar vigil.benchmarks.FillStore DATA_DIR HOSTS PER_HOST [POSTGRESQL_URL]}
 * (the store the server then runs with: {@code vigil server --data-dir DATA_DIR [--database POSTGRESQL_URL]})
 */
public final class FillStore {
    private FillStore() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int hosts = Integer.parseInt(args[1]);
        int perHost = Integer.parseInt(args[2]);
        String url = args.length > 3 ? args[3] : null;
        // first start bootstraps the organization and its admin, printed once
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, url, "127.0.0.1", 0), Clock.systemUTC())) {
            VigilServer.Bootstrap first = server.bootstrap();
            if (first != null) {
                // the lines of the server's initial-credentials file, so scripts read both alike
                System.out.println("email=" + first.email());
                System.out.println("password=" + first.password());
                System.out.println("intake-api-key=" + first.intakeKey());
            }
        }
        String[] severities = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"};
        int[] ranks = {5, 4, 3, 2, 1, 0};
        Random random = new Random(1);
        long now = System.currentTimeMillis();
        try (Database database = Database.open(data, url)) {
            String org = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations WHERE name = 'default'")
                            .mapTo(String.class)
                            .one());
            for (int host = 0; host < hosts; host++) {
                int h = host;
                database.jdbi().useTransaction(handle -> {
                    PreparedBatch batch = handle.prepareBatch("INSERT INTO findings (org_id, id, category, rule_id,"
                            + " title, severity, severity_rank, status, resource_id, resource_type, resource_name,"
                            + " scope_kind, scope_id, evidence, remediation, first_seen, last_seen, resolved_at)"
                            + " VALUES (:org, :id, 'vulnerability', :rule, :title, :severity, :rank, :status,"
                            + " :resource, 'host', :name, 'resource', :resource,"
                            + " '{\"type\":\"attributes\",\"values\":{}}', NULL, :first, :now, :resolved)");
                    PreparedBatch details = handle.prepareBatch("INSERT INTO vulnerability_details (org_id,"
                            + " finding_id, package_name, package_version, fixed_version, fix_state) VALUES (:org,"
                            + " :id, :package, '1.0-1', :fixed, 'FIXED')");
                    for (int i = 0; i < perHost; i++) {
                        int s = random.nextInt(severities.length);
                        boolean resolved = random.nextInt(10) == 0;
                        long first = now - random.nextInt(90) * 86_400_000L;
                        batch.bind("org", org)
                                .bind("id", String.format("%08x%08x", h, i))
                                // a vulnerability is in one package and has one title, as an advisory has: 28 per
                                // package, the title the package's
                                .bind("rule", "CVE-2099-" + (10000 + (i % 700) * 28 + random.nextInt(28)))
                                .bind("title", "A synthetic flaw in package " + (i % 700))
                                .bind("severity", severities[s])
                                .bind("rank", ranks[s])
                                .bind("status", resolved ? "resolved" : random.nextInt(50) == 0 ? "muted" : "open")
                                .bind("resource", "host:bench-" + h)
                                .bind("name", "bench-" + h)
                                .bind("package", "pkg" + (i % 700))
                                .bind("fixed", "2.0-1")
                                .bind("first", first)
                                .bind("now", now)
                                .bind("resolved", resolved ? Long.valueOf(first + 86_400_000L) : null)
                                .add();
                        details.bind("org", org)
                                .bind("id", String.format("%08x%08x", h, i))
                                .bind("package", "pkg" + (i % 700))
                                .bind("fixed", "2.0-1")
                                .add();
                    }
                    batch.execute();
                    details.execute();
                });
            }
        }
        try (Database database = Database.open(data, url)) {
            database.jdbi().useTransaction(handle -> {
                handle.execute("DELETE FROM finding_counts");
                handle.execute("INSERT INTO finding_counts (org_id, category, status, severity_rank, n) SELECT org_id,"
                        + " category, status, severity_rank, COUNT(*) FROM findings GROUP BY org_id, category, status,"
                        + " severity_rank");
                // the same as migration 8: unresolved findings per vulnerability, by severity rank and resources
                handle.execute("DELETE FROM vulnerability_counts");
                StringBuilder byRank = new StringBuilder();
                for (int rank = 0; rank < 6; rank++) {
                    byRank.append(", SUM(CASE WHEN severity_rank = ")
                            .append(rank)
                            .append(" THEN 1 ELSE 0 END)");
                }
                handle.execute(
                        "INSERT INTO vulnerability_counts (org_id, category, rule_id, findings, resources, max_rank,"
                                + " rank0, rank1, rank2, rank3, rank4, rank5) SELECT org_id, category, rule_id,"
                                + " COUNT(*), COUNT(DISTINCT resource_id), MAX(severity_rank)" + byRank
                                + " FROM findings WHERE status <> 'resolved'"
                                + " GROUP BY org_id, category, rule_id");
                // the same as migration 11: unresolved findings per package
                handle.execute("DELETE FROM package_counts");
                handle.execute("INSERT INTO package_counts (org_id, category, package_name, findings, resources,"
                        + " max_rank, rank0, rank1, rank2, rank3, rank4, rank5) SELECT f.org_id, f.category,"
                        + " d.package_name, COUNT(*), COUNT(DISTINCT f.resource_id), MAX(f.severity_rank)"
                        + byRank.toString().replace("severity_rank", "f.severity_rank") + " FROM findings f JOIN"
                        + " vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id WHERE f.status <>"
                        + " 'resolved' GROUP BY f.org_id, f.category, d.package_name");
                // the same as migration 10: unresolved findings per resource
                handle.execute("DELETE FROM resource_counts");
                handle.execute("INSERT INTO resource_counts (org_id, category, resource_id, resource_type,"
                        + " resource_name, findings, rank0, rank1, rank2, rank3, rank4, rank5) SELECT org_id, category,"
                        + " resource_id, MIN(resource_type), MIN(resource_name), COUNT(*)" + byRank + " FROM findings"
                        + " WHERE status <> 'resolved' GROUP BY org_id, category, resource_id");
                // and the search's distinct values, which FindingWriter adds per scan
                SearchIndexMigration.addAllSearchTerms(handle, database.isSqlite());
            });
        }
        System.out.println("filled " + (long) hosts * perHost + " findings into " + data);
    }
}
