package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;
import vigil.server.store.Database;
import vigil.server.store.SearchIndexMigration;

/**
 * An upgrade across V17 (ADR 0033) on both stores: a store migrated to V16 and filled as the V16 store wrote it
 * (findings with their package columns, triage events, running counts without a category, search terms) is migrated to
 * the latest version; every finding is listed with the same package, versions, fix state and status, the counts are
 * the same rows, triage history is kept, search finds packages, and a rescan resolves and raises what it did before.
 */
class FindingScopesUpgradeIT {
    private static final long NOW = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static @Nullable TestStores stores;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        stores = new TestStores();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stores != null) {
            stores.close();
        }
    }

    /** One finding as the V16 store held it. */
    private record Stored(
            String id,
            String rule,
            int rank,
            String status,
            String resourceId,
            String resourceType,
            String resourceName,
            String pkg,
            String version,
            @Nullable String fixed,
            String fixState) {
        /** What the list shows of it: package, versions, fix state and status. */
        String listed() {
            return pkg + " " + version + " " + fixed + " " + fixState + " " + status;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aV16StoreUpgradesWithEveryFindingCountAndHistoryKept(String kind) throws Exception {
        if (stores == null) {
            throw new IllegalStateException("no stores");
        }
        String url = stores.url(kind, temp);
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .javaMigrations(new SearchIndexMigration())
                .target("16")
                .load()
                .migrate();
        Jdbi v16 = Jdbi.create(url);
        String org = TestStores.organization(v16, "upgraded");
        String otherOrg = TestStores.organization(v16, "other");
        List<Stored> stored = new ArrayList<>();
        v16.useTransaction(h -> {
            stored.addAll(fill(h, org, new Random(17)));
            fill(h, otherOrg, new Random(18));
            countAsV16(h, kind.equals("sqlite"));
        });
        Map<String, List<String>> countsBefore = v16.withHandle(h -> countRows(h, ""));
        assertThat(countsBefore.get("vulnerability_counts")).isNotEmpty();
        assertThat(countsBefore.get("resource_counts")).hasSizeGreaterThan(4);

        try (Database database = Database.open(temp, url)) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
            FindingQueries findings = new FindingQueries(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
            Triage triage = new Triage(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

            // every finding listed with its package, versions, fix state and status
            Map<String, String> listed = new TreeMap<>();
            FindingQueries.Page page = findings.query(org, filter(null, null));
            page.rows()
                    .forEach(row -> listed.put(
                            row.id(),
                            row.packageName() + " " + row.packageVersion() + " " + row.fixedVersion() + " "
                                    + row.fixState() + " " + row.status()));
            Map<String, String> expected = new TreeMap<>();
            stored.forEach(f -> expected.put(f.id(), f.listed()));
            assertThat(listed).isEqualTo(expected);
            assertThat(page.total()).isEqualTo(stored.size());

            // the same count rows, each now of the vulnerability category, and scoped to their resource
            Map<String, List<String>> countsAfter =
                    jdbi.withHandle(h -> countRows(h, " AND category = 'vulnerability'"));
            assertThat(countsAfter).isEqualTo(countsBefore);
            long unscoped = jdbi.withHandle(h -> h.createQuery(
                            "SELECT COUNT(*) FROM findings WHERE scope_kind <> 'resource' OR scope_id <> resource_id")
                    .mapTo(Long.class)
                    .one());
            assertThat(unscoped).isZero();

            // triage history kept
            Stored muted = stored.stream()
                    .filter(f -> f.status().equals("muted"))
                    .findFirst()
                    .orElseThrow();
            assertThat(triage.history(org, muted.id()).orElseThrow())
                    .extracting(event -> event.kind() + " " + event.actor())
                    .containsExactly("opened null", "assigned admin@example.com", "muted admin@example.com");

            // the package filter and the search read the moved package names
            Stored any = stored.getFirst();
            assertThat(findings.query(org, filter(any.pkg(), null)).rows())
                    .extracting(FindingQueries.Row::id)
                    .containsExactlyInAnyOrderElementsOf(stored.stream()
                            .filter(f -> f.pkg().equals(any.pkg()))
                            .map(Stored::id)
                            .toList());
            assertThat(findings.query(org, filter(null, "libweb-3")).rows())
                    .extracting(FindingQueries.Row::id)
                    .containsExactlyInAnyOrderElementsOf(stored.stream()
                            .filter(f -> f.pkg().contains("libweb-3"))
                            .map(Stored::id)
                            .toList());

            // a rescan of one host: kept ones refreshed, a muted one stays muted, an open one not reported resolves,
            // a resolved one reported again reopens, a new one opens
            List<Stored> web1 = stored.stream()
                    .filter(f -> f.resourceId().equals("host:web-1"))
                    .toList();
            Stored dropped = web1.stream()
                    .filter(f -> f.status().equals("open"))
                    .findFirst()
                    .orElseThrow();
            List<Finding> rescan = new ArrayList<>();
            int reopening = 0;
            int resolving = 0;
            for (Stored f : web1) {
                if (f == dropped) {
                    resolving++;
                    continue;
                }
                if (f.status().equals("resolved")) {
                    reopening++;
                }
                rescan.add(finding(f.id(), f.rule(), f.rank(), f.resourceId(), f.resourceName(), f.pkg(), "9.9"));
            }
            rescan.add(finding("new-on-web-1", "CVE-2099-9999", 5, "host:web-1", "web-1", "libnew", null));
            FindingWriter.Outcome outcome =
                    jdbi.inTransaction(h -> writer.replaceScan(h, org, "host:web-1", Category.VULNERABILITY, rescan));
            assertThat(outcome.opened()).isEqualTo(1);
            assertThat(outcome.reopened()).isEqualTo(reopening).isPositive();
            assertThat(outcome.resolved()).isEqualTo(resolving);
            assertThat(outcome.refreshed()).isEqualTo(web1.size() - 1 - reopening);
            Map<String, FindingQueries.Row> after = new HashMap<>();
            findings.query(org, filter(null, null)).rows().forEach(row -> after.put(row.id(), row));
            assertThat(after.get(dropped.id()).status()).isEqualTo("resolved");
            assertThat(after.get(muted.id()).status()).isEqualTo(muted.status());
            assertThat(after.get("new-on-web-1").packageName()).isEqualTo("libnew");
            web1.stream()
                    .filter(f -> f != dropped)
                    .forEach(f -> assertThat(after.get(f.id()).fixedVersion()).isEqualTo("9.9"));
            // the running counts still equal the grouped findings, as before the upgrade
            Map<String, List<String>> recounted = new LinkedHashMap<>();
            jdbi.useTransaction(h -> {
                h.execute("CREATE TABLE findings_v16 AS SELECT f.*, d.package_name FROM findings f LEFT JOIN"
                        + " vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id");
                recounted.putAll(grouped(h, "findings_v16"));
                h.execute("DROP TABLE findings_v16");
            });
            Map<String, List<String>> countsRescanned =
                    jdbi.withHandle(h -> countRows(h, " AND category = 'vulnerability'"));
            assertThat(countsRescanned).isEqualTo(recounted);
            // the other organization's findings and counts untouched by all of it
            assertThat(findings.query(otherOrg, filter(null, null)).total()).isEqualTo(23);
        }
    }

    private static FindingQueries.Filter filter(@Nullable String pkg, @Nullable String text) {
        return new FindingQueries.Filter(List.of(), List.of(), null, null, null, text, null, pkg, 1000, 0, null);
    }

    private static Finding finding(
            String id, String rule, int rank, String resourceId, String name, String pkg, @Nullable String fixed) {
        return new Finding(
                id,
                Category.VULNERABILITY,
                new RuleRef(rule, "flaw " + rule, Severity.values()[rank], List.of()),
                new Resource("host", resourceId, name, null, null, null, Map.of()),
                new FindingStatus.Open(),
                Instant.EPOCH,
                Instant.EPOCH,
                new Evidence.VulnerablePackage(
                        pkg,
                        "1.0",
                        "pkg:deb/debian/" + pkg + "@1.0",
                        fixed,
                        fixed == null ? FixState.NOT_FIXED : FixState.FIXED,
                        List.of(),
                        List.of(),
                        "test",
                        "test",
                        rule),
                null);
    }

    /**
     * Findings of two hosts and an image written with the V16 store's statements: opened, then some resolved by a
     * rescan, assigned and muted by a person, or reopened, each with its event row.
     */
    private static List<Stored> fill(Handle h, String org, Random random) {
        var insert =
                h.prepareBatch("INSERT INTO findings (org_id, id, category, rule_id, title, severity, severity_rank,"
                        + " status, resource_id, resource_type, resource_name, package_name, package_version, fixed_version,"
                        + " fix_state, evidence, remediation, first_seen, last_seen) VALUES (:org, :id, 'vulnerability', :rule,"
                        + " :title, :severity, :rank, 'open', :resource, :type, :name, :package, :version, :fixed, :fixState,"
                        + " :evidence, NULL, :seen, :seen)");
        String[][] resources = {
            {"host:web-1", "host", "web-1"},
            {"host:web-2", "host", "web-2"},
            {"image:sha256:abc", "container_image", "app"}
        };
        int[] sizes = {10, 8, 5};
        List<Stored> stored = new ArrayList<>();
        for (int r = 0; r < resources.length; r++) {
            for (int i = 0; i < sizes[r]; i++) {
                int rank = random.nextInt(6);
                String pkg = "libweb-" + random.nextInt(6);
                String rule = "CVE-2099-" + (100 + random.nextInt(12));
                FixState fix = FixState.values()[random.nextInt(FixState.values().length)];
                String fixed = fix == FixState.FIXED ? "2." + i : null;
                String status = List.of("open", "resolved", "muted", "open").get(i % 4);
                String id = org.substring(0, 8) + "-" + r + "-" + i;
                insert.bind("org", org)
                        .bind("id", id)
                        .bind("rule", rule)
                        .bind("title", "flaw " + rule)
                        .bind("severity", Severity.values()[rank].name())
                        .bind("rank", rank)
                        .bind("resource", resources[r][0])
                        .bind("type", resources[r][1])
                        .bind("name", resources[r][2])
                        .bind("package", pkg)
                        .bind("version", "1.0")
                        .bind("fixed", fixed)
                        .bind("fixState", fix.name())
                        .bind("evidence", "{\"type\":\"vulnerable_package\",\"package\":\"" + pkg + "\"}")
                        .bind("seen", NOW - 86_400_000L)
                        .add();
                stored.add(new Stored(
                        id,
                        rule,
                        rank,
                        status,
                        resources[r][0],
                        resources[r][1],
                        resources[r][2],
                        pkg,
                        "1.0",
                        fixed,
                        fix.name()));
            }
        }
        insert.execute();
        for (Stored f : stored) {
            switch (f.status()) {
                case "resolved" -> {
                    h.execute(
                            "UPDATE findings SET status = 'resolved', resolved_at = ? WHERE org_id = ? AND id = ?",
                            NOW - 3_600_000L,
                            org,
                            f.id());
                    event(h, org, f.id(), NOW - 3_600_000L, "resolved", null, null);
                }
                case "muted" -> {
                    h.execute(
                            "UPDATE findings SET assignee = 'admin@example.com' WHERE org_id = ? AND id = ?",
                            org,
                            f.id());
                    event(h, org, f.id(), NOW - 1_800_000L, "assigned", "admin@example.com", "admin@example.com");
                    h.execute(
                            "UPDATE findings SET status = 'muted', muted_reason = 'accepted', muted_until = NULL"
                                    + " WHERE org_id = ? AND id = ? AND status = 'open'",
                            org,
                            f.id());
                    event(h, org, f.id(), NOW - 1_700_000L, "muted", "admin@example.com", "accepted");
                }
                default -> {}
            }
        }
        return stored;
    }

    private static void event(
            Handle h, String org, String id, long at, String kind, @Nullable String actor, @Nullable String detail) {
        h.execute(
                "INSERT INTO finding_events (org_id, finding_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
                org,
                id,
                at,
                kind,
                actor,
                detail);
    }

    /**
     * The running counts and search terms of the filled findings, as the V16 store kept them: the statements of
     * migrations 4, 7, 8, 10 and 11, which FindingSearchIT holds equal to the counts the store maintained.
     */
    private static void countAsV16(Handle h, boolean sqlite) {
        for (String table : List.of("finding_counts", "vulnerability_counts", "package_counts", "resource_counts")) {
            h.execute("DELETE FROM " + table);
        }
        h.execute("INSERT INTO finding_counts (org_id, category, status, severity_rank, n) SELECT org_id, category,"
                + " status, severity_rank, COUNT(*) FROM findings GROUP BY org_id, category, status, severity_rank");
        StringBuilder ranks = new StringBuilder();
        for (int rank = 0; rank < 6; rank++) {
            ranks.append(", SUM(CASE WHEN severity_rank = ").append(rank).append(" THEN 1 ELSE 0 END)");
        }
        h.execute(
                "INSERT INTO vulnerability_counts (org_id, rule_id, findings, resources, max_rank, rank0, rank1, rank2,"
                        + " rank3, rank4, rank5) SELECT org_id, rule_id, COUNT(*), COUNT(DISTINCT resource_id),"
                        + " MAX(severity_rank)" + ranks
                        + " FROM findings WHERE status <> 'resolved' GROUP BY org_id, rule_id");
        h.execute(
                "INSERT INTO package_counts (org_id, package_name, findings, resources, max_rank, rank0, rank1, rank2,"
                        + " rank3, rank4, rank5) SELECT org_id, package_name, COUNT(*), COUNT(DISTINCT resource_id),"
                        + " MAX(severity_rank)" + ranks
                        + " FROM findings WHERE status <> 'resolved' AND package_name IS NOT"
                        + " NULL GROUP BY org_id, package_name");
        h.execute("INSERT INTO resource_counts (org_id, resource_id, resource_type, resource_name, findings, rank0,"
                + " rank1, rank2, rank3, rank4, rank5) SELECT org_id, resource_id, MIN(resource_type),"
                + " MIN(resource_name), COUNT(*)" + ranks + " FROM findings WHERE status <> 'resolved' GROUP BY"
                + " org_id, resource_id");
        String terms = "SELECT title FROM findings UNION SELECT rule_id FROM findings UNION SELECT package_name FROM"
                + " findings WHERE package_name IS NOT NULL UNION SELECT resource_name FROM findings";
        String pairs = "INSERT INTO search_title_rules (title, rule_id) SELECT DISTINCT title, rule_id FROM findings";
        if (sqlite) {
            h.execute("INSERT OR IGNORE INTO search_terms (term) " + terms);
            h.execute(pairs.replaceFirst("INSERT", "INSERT OR IGNORE"));
        } else {
            h.execute("INSERT INTO search_terms (term) " + terms + " " + SearchIndexMigration.POSTGRESQL_NEW_TERM);
            h.execute(pairs + " " + SearchIndexMigration.POSTGRESQL_NEW_PAIR);
        }
    }

    /**
     * The rows of the count tables with something unresolved (their V16 columns), sorted; {@code category} narrows
     * the three tables that have one since V17.
     */
    private static Map<String, List<String>> countRows(Handle h, String category) {
        String where = " WHERE findings > 0" + category;
        Map<String, List<String>> rows = new LinkedHashMap<>();
        rows.put(
                "finding_counts",
                rows(h, "SELECT org_id, category, status, severity_rank, n FROM finding_counts" + " WHERE n <> 0"));
        String ranks = ", findings, rank0, rank1, rank2, rank3, rank4, rank5";
        rows.put(
                "vulnerability_counts",
                rows(h, "SELECT org_id, rule_id, resources, max_rank" + ranks + " FROM vulnerability_counts" + where));
        rows.put(
                "package_counts",
                rows(h, "SELECT org_id, package_name, resources, max_rank" + ranks + " FROM package_counts" + where));
        rows.put(
                "resource_counts",
                rows(
                        h,
                        "SELECT org_id, resource_id, resource_type, resource_name" + ranks + " FROM resource_counts"
                                + where));
        return rows;
    }

    /**
     * The count rows a grouped query of {@code table} (findings with their package name) gives: what the running
     * counts must equal. Rows with nothing unresolved left are kept by the store with zero counts, so they are
     * compared without them.
     */
    private static Map<String, List<String>> grouped(Handle h, String table) {
        StringBuilder ranks = new StringBuilder(", COUNT(*)");
        for (int rank = 0; rank < 6; rank++) {
            ranks.append(", SUM(CASE WHEN severity_rank = ").append(rank).append(" THEN 1 ELSE 0 END)");
        }
        String open = " WHERE status <> 'resolved' AND category = 'vulnerability'";
        Map<String, List<String>> rows = new LinkedHashMap<>();
        rows.put(
                "finding_counts",
                rows(
                        h,
                        "SELECT org_id, category, status, severity_rank, COUNT(*) FROM " + table
                                + " GROUP BY org_id, category, status, severity_rank"));
        rows.put(
                "vulnerability_counts",
                rows(
                        h,
                        "SELECT org_id, rule_id, COUNT(DISTINCT resource_id)," + " MAX(severity_rank)" + ranks
                                + " FROM " + table + open + " GROUP BY org_id, rule_id"));
        rows.put(
                "package_counts",
                rows(
                        h,
                        "SELECT org_id, package_name, COUNT(DISTINCT resource_id),"
                                + " MAX(severity_rank)" + ranks + " FROM " + table + open
                                + " AND package_name IS NOT NULL GROUP BY"
                                + " org_id, package_name"));
        rows.put(
                "resource_counts",
                rows(
                        h,
                        "SELECT org_id, resource_id, MIN(resource_type), MIN(resource_name)" + ranks + " FROM " + table
                                + open + " GROUP BY org_id, resource_id"));
        return rows;
    }

    private static List<String> rows(Handle h, String sql) {
        return h
                .createQuery(sql)
                .map((rs, ctx) -> {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        values.add(String.valueOf(rs.getObject(i)));
                    }
                    return String.join(" ", values);
                })
                .list()
                .stream()
                .sorted()
                .toList();
    }
}
