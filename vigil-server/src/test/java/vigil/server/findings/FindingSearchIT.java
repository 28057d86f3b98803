package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
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

/**
 * The findings store's indexed queries against plain ones, on both stores (SQLite in a temporary directory and an
 * embedded PostgreSQL): free-text search against a substring reference with hostile input, the running
 * per-vulnerability counts against the grouped query through every kind of change, the merged cross-status list
 * against the plain sort, and the migration indexing findings stored before it.
 */
class FindingSearchIT {
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A JDBC URL for a fresh store of the given kind. */
    private String url(String store) throws Exception {
        if (store.equals("sqlite")) {
            return "jdbc:sqlite:" + temp.resolve("server-" + UUID.randomUUID() + ".db");
        }
        String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
        try (var connection = postgres().getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        return "jdbc:postgresql://localhost:" + postgres().getPort() + "/" + database
                + "?user=postgres&password=postgres";
    }

    private static EmbeddedPostgres postgres() {
        if (postgres == null) {
            throw new IllegalStateException("no PostgreSQL");
        }
        return postgres;
    }

    /** A clock the test moves, for mute expiry. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2099-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(long millis) {
            now = now.plusMillis(millis);
        }
    }

    private static String organization(Jdbi jdbi, String name) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.execute("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, 0)", id, name));
        return id;
    }

    private static Finding finding(
            Category category,
            String rule,
            String title,
            Severity severity,
            String resourceId,
            String resourceName,
            @Nullable String pkg) {
        // a package is a vulnerability's evidence; another category's finding on the same host carries none
        Evidence evidence = pkg == null || category != Category.VULNERABILITY
                ? new Evidence.Attributes(Map.of())
                : new Evidence.VulnerablePackage(
                        pkg,
                        "1.0",
                        "pkg:deb/debian/" + pkg + "@1.0",
                        "2.0",
                        FixState.FIXED,
                        List.of(),
                        List.of(),
                        "test",
                        "test",
                        rule);
        String id = UUID.nameUUIDFromBytes(
                        (category + "|" + rule + "|" + resourceId + "|" + pkg).getBytes(StandardCharsets.UTF_8))
                .toString();
        return new Finding(
                id,
                category,
                new RuleRef(rule, title, severity, List.of()),
                new Resource("host", resourceId, resourceName, null, null, null, Map.of()),
                new FindingStatus.Open(),
                Instant.EPOCH,
                Instant.EPOCH,
                evidence,
                null);
    }

    private static void scan(Jdbi jdbi, FindingWriter store, String org, String resource, List<Finding> found) {
        scan(jdbi, store, org, resource, Category.VULNERABILITY, found);
    }

    private static void scan(
            Jdbi jdbi, FindingWriter store, String org, String resource, Category category, List<Finding> found) {
        jdbi.useTransaction(h -> store.replaceScan(h, org, resource, category, found));
    }

    private static FindingQueries.Filter text(List<String> statuses, @Nullable String text, int limit, int offset) {
        return new FindingQueries.Filter(statuses, List.of(), null, null, null, text, null, limit, offset);
    }

    /** The searched columns of every finding of {@code org}, by id. */
    private static Map<String, List<@Nullable String>> searched(Jdbi jdbi, String org) {
        Map<String, List<@Nullable String>> rows = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery(
                        "SELECT f.id, f.title, f.rule_id, d.package_name, f.resource_name FROM findings f LEFT JOIN"
                                + " vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id"
                                + " WHERE f.org_id = :org")
                .bind("org", org)
                .map((rs, ctx) -> {
                    List<@Nullable String> values = new ArrayList<>();
                    for (int i = 2; i <= 5; i++) {
                        values.add(rs.getString(i));
                    }
                    return rows.put(rs.getString(1), values);
                })
                .list());
        return rows;
    }

    /** The meaning of the search: a case-insensitive substring of one of the four columns, taken literally. */
    private static Set<String> reference(Map<String, List<@Nullable String>> rows, String text) {
        String needle = text.toLowerCase(Locale.ROOT);
        Set<String> ids = new HashSet<>();
        rows.forEach((id, values) -> {
            for (String value : values) {
                if (value != null && value.toLowerCase(Locale.ROOT).contains(needle)) {
                    ids.add(id);
                }
            }
        });
        return ids;
    }

    private static final List<String> TITLES = List.of(
            "He said \"hello\" AND goodbye",
            "NEAR(alpha beta) OR gamma",
            "x*y wildcard^2 col:umn -minus +plus",
            "100% sure_thing",
            "back\\slash and it's quoted",
            "MiXeD CaSe TiTlE",
            "ab",
            "日本語のテキスト",
            "résumé of a flaw",
            "A synthetic flaw in package 12",
            "A synthetic flaw in package 120",
            "plain title");

    private static final List<String> NEEDLES = List.of(
            "pkg12",
            "PKG12",
            "package 12",
            "\"hello\"",
            "\"",
            "\"\"",
            "AND",
            "and goodbye",
            "NEAR",
            "near(",
            "NEAR(alpha",
            "OR",
            "*",
            "x*y",
            "wildcard^2",
            "col:umn",
            "-minus",
            "+plus",
            "%",
            "100%",
            "_",
            "e_t",
            "sure_thing",
            "\\",
            "back\\slash",
            "'",
            "it's",
            "mixed case",
            "ab",
            "a",
            "",
            " ",
            "日本",
            "日本語",
            "résumé",
            "web-1",
            "WEB",
            "cve-2099",
            "2099-00",
            "no such text anywhere",
            "e",
            "12");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void freeTextSearchIsALiteralCaseInsensitiveSubstringWhateverTheInput(String store) throws Exception {
        try (Database database = Database.open(temp, url(store))) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            Triage triage = new Triage(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "one");
            String other = organization(jdbi, "two");
            String[] packages = {"pkg12", "pkg120", "libpkg12x", "libfoo", null};
            for (int host = 0; host < 4; host++) {
                String resource = "host:web-" + host;
                List<Finding> found = new ArrayList<>();
                for (int i = 0; i < TITLES.size(); i++) {
                    found.add(finding(
                            i % 3 == 0 ? Category.MISCONFIGURATION : Category.VULNERABILITY,
                            "CVE-2099-00" + (i + host),
                            TITLES.get(i),
                            Severity.values()[i % 6],
                            resource,
                            host == 3 ? "DB-PKG12" : "web-" + host,
                            packages[(i + host) % packages.length]));
                }
                for (Category category : List.of(Category.VULNERABILITY, Category.MISCONFIGURATION)) {
                    scan(
                            jdbi,
                            writer,
                            org,
                            resource,
                            category,
                            found.stream().filter(f -> f.category() == category).toList());
                }
            }
            // the other organization's findings match the same text and must never show
            scan(
                    jdbi,
                    writer,
                    other,
                    "host:web-0",
                    List.of(finding(
                            Category.VULNERABILITY,
                            "CVE-2099-0001",
                            "He said \"hello\" AND goodbye",
                            Severity.HIGH,
                            "host:web-0",
                            "web-0",
                            "pkg12")));
            // some resolved and muted, so statuses filter the candidates too
            String muted = finding(
                            Category.VULNERABILITY,
                            "CVE-2099-001",
                            TITLES.get(1),
                            Severity.values()[1],
                            "host:web-0",
                            "web-0",
                            packages[1])
                    .id();
            assertThat(triage.mute(org, muted, "test", null, "t")).isTrue();
            scan(jdbi, writer, org, "host:web-2", List.of());

            Map<String, List<@Nullable String>> rows = searched(jdbi, org);
            assertThat(rows).hasSize(4 * TITLES.size());
            for (String needle : NEEDLES) {
                Set<String> expected = reference(rows, needle);
                FindingQueries.Page page = findings.query(org, text(List.of(), needle, 1000, 0));
                assertThat(ids(page)).as("search for [%s] on %s", needle, store).isEqualTo(expected);
                assertThat(page.total()).as("total of [%s]", needle).isEqualTo(expected.size());
                assertThat(page.totalExact()).isTrue();
                // the same search among open findings only, and paged
                Set<String> open = new HashSet<>(expected);
                open.removeIf(id -> !status(jdbi, org, id).equals("open"));
                FindingQueries.Page openPage = findings.query(org, text(List.of("open"), needle, 1000, 0));
                assertThat(ids(openPage)).as("open findings with [%s]", needle).isEqualTo(open);
                assertThat(openPage.facets().get("status"))
                        .isEqualTo(open.isEmpty() ? Map.of() : Map.of("open", (long) open.size()));
                List<String> firstTwo = findings.query(org, text(List.of(), needle, 2, 0)).rows().stream()
                        .map(FindingQueries.Row::id)
                        .toList();
                assertThat(firstTwo)
                        .containsExactlyElementsOf(page.rows().stream()
                                .limit(2)
                                .map(FindingQueries.Row::id)
                                .toList());
            }
            assertThat(findings.query(org, text(List.of(), "pkg12", 1000, 0)).total())
                    .isGreaterThan(0);
            // more matches than a search counts: the same findings listed (on SQLite by walking the list index and
            // checking each finding), the total only says "more than the cap", and no facet counts guess
            for (int cap : List.of(1, 3)) {
                FindingQueries capped = new FindingQueries(jdbi, Clock.systemUTC(), cap);
                for (String needle : NEEDLES) {
                    for (List<String> statuses : List.of(List.<String>of(), List.of("open"))) {
                        // the uncapped store's answer, in its order, is the reference for rows and pages
                        List<String> plain = findings.query(org, text(statuses, needle, 1000, 0)).rows().stream()
                                .map(FindingQueries.Row::id)
                                .toList();
                        FindingQueries.Page page = capped.query(org, text(statuses, needle, 1000, 0));
                        assertThat(page.rows().stream()
                                        .map(FindingQueries.Row::id)
                                        .toList())
                                .as("search for [%s] in %s counting up to %d, on %s", needle, statuses, cap, store)
                                .containsExactlyElementsOf(plain);
                        assertThat(page.totalExact()).as("[%s] exact", needle).isEqualTo(plain.size() <= cap);
                        assertThat(page.total()).isEqualTo(Math.min(plain.size(), cap));
                        if (!page.totalExact()) {
                            assertThat(page.facets().values())
                                    .allSatisfy(facet -> assertThat(facet).isEmpty());
                        }
                        assertThat(capped.query(org, text(statuses, needle, 2, 1)).rows().stream()
                                        .map(FindingQueries.Row::id)
                                        .toList())
                                .containsExactlyElementsOf(
                                        plain.stream().skip(1).limit(2).toList());
                    }
                    assertThat(new HashSet<>(capped.query(org, text(List.of(), needle, 1000, 0)).rows().stream()
                                    .map(FindingQueries.Row::id)
                                    .toList()))
                            .isEqualTo(reference(rows, needle));
                }
            }

            // a rescan that changes a title re-indexes it: the old text is gone, the new one found
            Finding renamed = finding(
                    Category.VULNERABILITY,
                    "CVE-2099-001",
                    "a brand new wording",
                    Severity.values()[1],
                    "host:web-0",
                    "web-0",
                    packages[1]);
            scan(jdbi, writer, org, "host:web-0", List.of(renamed));
            rows = searched(jdbi, org);
            for (String needle : List.of("brand new", "hello", "NEAR(alpha", "pkg12", "web-0")) {
                assertThat(ids(findings.query(org, text(List.of(), needle, 1000, 0))))
                        .as("after the rescan, [%s]", needle)
                        .isEqualTo(reference(rows, needle));
            }
            // findings deleted by hand (no code path deletes them today) leave the index with them
            jdbi.useHandle(h -> h.execute("DELETE FROM findings WHERE org_id = ? AND resource_id = 'host:web-1'", org));
            rows = searched(jdbi, org);
            for (String needle : List.of("pkg12", "web-1", "sure_thing")) {
                assertThat(ids(findings.query(org, text(List.of(), needle, 1000, 0))))
                        .as("after deleting, [%s]", needle)
                        .isEqualTo(reference(rows, needle));
            }
            assertIndexServesTheSearch(database);
        }
    }

    /**
     * The plan of a search reads the trigram index of the distinct values and the findings' column indexes, never
     * the whole findings table (PostgreSQL with sequential scans discouraged, as a large table would).
     */
    private static void assertIndexServesTheSearch(Database database) {
        Map<String, Object> binds = new HashMap<>();
        String sql = (database.isSqlite() ? "EXPLAIN QUERY PLAN " : "EXPLAIN ")
                + "SELECT id FROM findings WHERE org_id = :org AND "
                + TextSearch.textCondition(database.isSqlite(), "pkg12", binds);
        String plan = database.jdbi().withHandle(h -> {
            if (!database.isSqlite()) {
                h.execute("SET enable_seqscan = off");
            }
            var query = h.createQuery(sql).bind("org", "org-1");
            binds.forEach(query::bind);
            return String.join(
                    "\n",
                    query.map((rs, ctx) -> rs.getString(database.isSqlite() ? 4 : 1))
                            .list());
        });
        if (database.isSqlite()) {
            assertThat(plan).contains("VIRTUAL TABLE INDEX").doesNotContain("SCAN findings");
        } else {
            assertThat(plan).contains("search_terms_text").doesNotContain("Seq Scan on findings");
        }
    }

    private static String status(Jdbi jdbi, String org, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM findings WHERE org_id = :org AND id = :id")
                .bind("org", org)
                .bind("id", id)
                .mapTo(String.class)
                .one());
    }

    private static Set<String> ids(FindingQueries.Page page) {
        Set<String> ids = new HashSet<>();
        page.rows().forEach(row -> ids.add(row.id()));
        assertThat(ids).hasSize(page.rows().size());
        return ids;
    }

    /** The grouped query that {@code package_counts} replaces, for vulnerabilities. */
    private static List<String> groupedByPackage(Jdbi jdbi, String org) {
        return groupedByPackage(jdbi, org, Category.VULNERABILITY);
    }

    private static List<String> groupedByPackage(Jdbi jdbi, String org, Category category) {
        return grouped(jdbi, org, category, "d.package_name", " AND d.package_name IS NOT NULL");
    }

    /** The grouped query that {@code resource_counts} replaces, over every resource but images. */
    private static List<String> groupedByResource(Jdbi jdbi, String org) {
        return groupedByResource(jdbi, org, Category.VULNERABILITY);
    }

    private static List<String> groupedByResource(Jdbi jdbi, String org, Category category) {
        return grouped(jdbi, org, category, "f.resource_name", " AND f.resource_type <> 'container_image'");
    }

    /** The grouped query that {@code vulnerability_counts} replaces, over every vulnerability. */
    private static List<String> groupedByRule(Jdbi jdbi, String org) {
        return groupedByRule(jdbi, org, Category.VULNERABILITY);
    }

    private static List<String> groupedByRule(Jdbi jdbi, String org, Category category) {
        return grouped(jdbi, org, category, "f.rule_id", "");
    }

    /**
     * Unresolved findings of one category grouped by {@code column} from the findings themselves (and their
     * details), in the groups pages' order.
     */
    private static List<String> grouped(Jdbi jdbi, String org, Category category, String column, String condition) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + column + ", COUNT(*), MAX(f.severity_rank),"
                        + " COUNT(DISTINCT f.resource_id) FROM findings f LEFT JOIN vulnerability_details d ON d.org_id"
                        + " = f.org_id AND d.finding_id = f.id WHERE f.org_id = :org AND f.category = :category AND"
                        + " f.status <> 'resolved'" + condition + " GROUP BY " + column + " ORDER BY"
                        + " MAX(f.severity_rank) DESC, COUNT(*) DESC, " + column)
                .bind("org", org)
                .bind("category", category.wireName())
                .map((rs, ctx) -> rs.getString(1) + " findings=" + rs.getLong(2) + " severity="
                        + Severity.values()[rs.getInt(3)] + " resources=" + rs.getLong(4))
                .list());
    }

    /** The groups of one category as the store gives them, in the form of {@link #grouped}. */
    private static List<String> groups(FindingQueries findings, String org, Category category, String by) {
        return findings.groups(org, category, by, 1000, 0).rows().stream()
                .map(g -> g.key() + " findings=" + g.findings() + " severity=" + g.severity() + " resources="
                        + g.resources())
                .toList();
    }

    private static List<String> groups(FindingQueries findings, String org, int limit) {
        return findings.groups(org, "cve", limit).stream()
                .map(g -> g.key() + " findings=" + g.findings() + " severity=" + g.severity() + " resources="
                        + g.resources())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void vulnerabilityCountsEqualTheGroupedQueryThroughEveryChange(String store) throws Exception {
        TestClock clock = new TestClock();
        try (Database database = Database.open(temp, url(store))) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, clock);
            FindingQueries findings = new FindingQueries(jdbi, clock);
            Triage triage = new Triage(jdbi, clock);
            String org = organization(jdbi, "one");
            String other = organization(jdbi, "two");
            Random random = new Random(42);
            String[] rules = {"CVE-2099-1", "CVE-2099-2", "CVE-2099-3", "CVE-2099-4", "CIS-1.1"};
            String[] packages = {"liba", "libb", "libc"};
            int steps = 0;
            for (int step = 0; step < 160; step++) {
                int action = random.nextInt(10);
                String resource = "host:h" + random.nextInt(4);
                if (action < 6) {
                    // a complete scan: a random subset, with random severities (a changed advisory)
                    Category category = random.nextInt(4) == 0 ? Category.MISCONFIGURATION : Category.VULNERABILITY;
                    List<Finding> found = new ArrayList<>();
                    for (String rule : rules) {
                        for (String pkg : packages) {
                            if (random.nextInt(3) == 0) {
                                found.add(finding(
                                        category,
                                        rule,
                                        "flaw " + rule,
                                        Severity.values()[random.nextInt(6)],
                                        resource,
                                        resource.substring(5),
                                        pkg));
                            }
                        }
                    }
                    scan(jdbi, writer, random.nextInt(8) == 0 ? other : org, resource, category, found);
                } else {
                    List<String> candidates = jdbi.withHandle(
                            h -> h.createQuery("SELECT id FROM findings WHERE org_id = :org ORDER BY id")
                                    .bind("org", org)
                                    .mapTo(String.class)
                                    .list());
                    if (candidates.isEmpty()) {
                        continue;
                    }
                    String id = candidates.get(random.nextInt(candidates.size()));
                    switch (action) {
                        case 6 -> triage.mute(org, id, "accepted", null, "t");
                        case 7 -> triage.mute(org, id, "for a while", clock.millis() + 1000, "t");
                        case 8 -> triage.unmute(org, id, "t");
                        default -> triage.assign(org, id, null, "t");
                    }
                    clock.advance(random.nextInt(1500));
                }
                steps++;
                List<String> expected = groupedByRule(jdbi, org);
                assertThat(groups(findings, org, 1000))
                        .as("step %d on %s", step, store)
                        .isEqualTo(expected);
                assertThat(groups(findings, org, 2)).isEqualTo(expected.subList(0, Math.min(2, expected.size())));
                assertThat(groups(findings, other, 1000)).isEqualTo(groupedByRule(jdbi, other));
                // the per-package counts
                assertThat(findings.groups(org, "package", 1000).stream()
                                .map(g -> g.key() + " findings=" + g.findings() + " severity=" + g.severity()
                                        + " resources=" + g.resources())
                                .toList())
                        .as("packages at step %d on %s", step, store)
                        .isEqualTo(groupedByPackage(jdbi, org));
                // and the per-resource counts behind grouping by host
                assertThat(findings.groups(org, "host", 1000).stream()
                                .map(g -> g.key() + " findings=" + g.findings() + " severity=" + g.severity()
                                        + " resources=" + g.resources())
                                .toList())
                        .as("hosts at step %d on %s", step, store)
                        .isEqualTo(groupedByResource(jdbi, org));
                // the misconfigurations' own counts, which the vulnerability groups above never include
                assertThat(groups(findings, org, Category.MISCONFIGURATION, "rule"))
                        .as("misconfigurations by rule at step %d on %s", step, store)
                        .isEqualTo(groupedByRule(jdbi, org, Category.MISCONFIGURATION));
                assertThat(groups(findings, org, Category.MISCONFIGURATION, "package"))
                        .isEqualTo(groupedByPackage(jdbi, org, Category.MISCONFIGURATION));
                assertThat(groups(findings, org, Category.MISCONFIGURATION, "host"))
                        .isEqualTo(groupedByResource(jdbi, org, Category.MISCONFIGURATION));
            }
            assertThat(steps).isGreaterThan(100);
            // and they saw resolves, reopens, mutes and expiries
            long kinds = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT kind) FROM finding_events")
                    .mapTo(Long.class)
                    .one());
            assertThat(kinds).isGreaterThanOrEqualTo(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void listsAcrossStatusesKeepTheOrderOfOnePlainSort(String store) throws Exception {
        TestClock clock = new TestClock();
        try (Database database = Database.open(temp, url(store))) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, clock);
            FindingQueries findings = new FindingQueries(jdbi, clock);
            Triage triage = new Triage(jdbi, clock);
            String org = organization(jdbi, "one");
            Random random = new Random(7);
            for (int host = 0; host < 6; host++) {
                String resource = "host:h" + host;
                for (int round = 0; round < 3; round++) {
                    List<Finding> found = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        if (random.nextInt(4) != 0) {
                            found.add(finding(
                                    Category.VULNERABILITY,
                                    "CVE-2099-" + i,
                                    "flaw " + i,
                                    Severity.values()[random.nextInt(6)],
                                    resource,
                                    "h" + host,
                                    "pkg" + i));
                        }
                    }
                    scan(jdbi, writer, org, resource, found);
                    clock.advance(60_000);
                }
            }
            List<String> all = jdbi.withHandle(
                    h -> h.createQuery("SELECT id FROM findings WHERE org_id = :org ORDER BY id LIMIT 40")
                            .bind("org", org)
                            .mapTo(String.class)
                            .list());
            for (int i = 0; i < all.size(); i += 3) {
                triage.mute(org, all.get(i), "muted", null, "t");
            }
            for (int i = 1; i < all.size(); i += 4) {
                triage.assign(org, all.get(i), null, "t");
            }
            for (List<String> statuses : List.of(
                    List.<String>of(),
                    List.of("open", "muted"),
                    List.of("resolved", "open"),
                    List.of("muted"),
                    List.of("open", "open"))) {
                String in = String.join(
                        ", ", statuses.stream().map(s -> "'" + s + "'").toList());
                List<String> expected = jdbi.withHandle(h -> h.createQuery("SELECT id FROM findings WHERE org_id = :org"
                                + (statuses.isEmpty() ? "" : " AND status IN (" + in + ")")
                                + " ORDER BY severity_rank DESC, last_seen DESC, id DESC")
                        .bind("org", org)
                        .mapTo(String.class)
                        .list());
                for (int offset : List.of(0, 1, 37, 100, expected.size() - 5, expected.size() + 3)) {
                    FindingQueries.Page page = findings.query(org, text(statuses, null, 50, Math.max(0, offset)));
                    assertThat(page.rows().stream().map(FindingQueries.Row::id).toList())
                            .as("statuses %s, offset %d, %s", statuses, offset, store)
                            .containsExactlyElementsOf(expected.subList(
                                    Math.min(expected.size(), Math.max(0, offset)),
                                    Math.min(expected.size(), Math.max(0, offset) + 50)));
                    assertThat(page.total()).isEqualTo(expected.size());
                }
                // with a severity filter too
                FindingQueries.Page critical = findings.query(
                        org,
                        new FindingQueries.Filter(
                                statuses, List.of(Severity.CRITICAL), null, null, null, null, null, 1000, 0));
                assertThat(critical.rows()).allMatch(row -> row.severity().equals("CRITICAL"));
                assertThat(critical.total()).isEqualTo(critical.rows().size());
            }
        }
    }

    /** A title of 1,000 CJK characters (3,000 bytes) is indexed and found: PostgreSQL's keys are digests. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void longNonLatinTitlesAreIndexed(String store) throws Exception {
        try (Database database = Database.open(temp, url(store))) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "long");
            String title = "漏洞".repeat(498) + "終わり"; // 999 characters: titles are kept to 1,000
            scan(
                    jdbi,
                    writer,
                    org,
                    "host:cjk",
                    List.of(finding(
                            Category.VULNERABILITY, "CVE-2099-7777", title, Severity.HIGH, "host:cjk", "cjk", "pkg")));
            assertThat(findings.query(org, text(List.of(), "終わり", 10, 0)).total())
                    .isEqualTo(1);
        }
    }

    /**
     * SQLite receives a scan's new search terms and title pairs as one JSON array each (ADR 0036): every value must
     * arrive exactly as the findings hold it, whatever JSON escapes in it, and be found by the search.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void searchTermsKeepEveryCharacterOfTheirValues(String store) throws Exception {
        List<String> titles = List.of(
                "tab\there and line\nbreak",
                "quote \" and back\\slash",
                "[\"looks\", \"like\", \"json\"]",
                "{\"key\": 1}",
                "emoji 🐛 in a title",
                "separator \u2028 and \u0007 bell",
                "  spaces around  ");
        try (Database database = Database.open(temp, url(store))) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "escapes");
            List<Finding> found = new ArrayList<>();
            for (int i = 0; i < titles.size(); i++) {
                found.add(finding(
                        Category.VULNERABILITY,
                        "CVE-2099-88" + i,
                        titles.get(i),
                        Severity.HIGH,
                        "host:esc",
                        "esc \"host\"",
                        "pkg\\" + i));
            }
            scan(jdbi, writer, org, "host:esc", found);
            Set<String> terms = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT term FROM search_terms")
                    .mapTo(String.class)
                    .list()));
            assertThat(terms).containsAll(titles).contains("esc \"host\"", "pkg\\0", "CVE-2099-880");
            List<String> pairs =
                    jdbi.withHandle(h -> h.createQuery("SELECT title || '|' || rule_id FROM search_title_rules")
                            .mapTo(String.class)
                            .list());
            for (int i = 0; i < titles.size(); i++) {
                assertThat(pairs).contains(titles.get(i) + "|CVE-2099-88" + i);
                String needle = List.of("here and", "and back", "looks", "key", "emoji", "separator", "spaces around")
                        .get(i);
                assertThat(findings.query(org, text(List.of(), needle, 10, 0)).total())
                        .as("search for [%s] on %s", needle, store)
                        .isGreaterThanOrEqualTo(1);
            }
        }
    }

    /**
     * The server refreshes planner statistics at start, on a store whose search index is still nearly empty. Had it
     * analyzed the FTS5 tables then, FTS5's range deletes would scan its whole data table on every merge: a fresh
     * store took new findings at 286 per second instead of 20,000.
     */
    @org.junit.jupiter.api.Test
    void refreshingStatisticsOnAFreshStoreKeepsTheSearchIndexSeeking() throws Exception {
        try (Database database = Database.open(temp, url("sqlite"))) {
            database.refreshStatistics();
            String plan = database.jdbi()
                    .withHandle(h -> String.join(
                            " ",
                            h.createQuery(
                                            "EXPLAIN QUERY PLAN DELETE FROM search_term_text_data WHERE id >= 1 AND id <= 9")
                                    .map((rs, ctx) -> rs.getString("detail"))
                                    .list()));
            assertThat(plan).contains("SEARCH").doesNotContain("SCAN");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theMigrationIndexesFindingsStoredBeforeIt(String store) throws Exception {
        String url = url(store);
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .target("6")
                .load()
                .migrate();
        Jdbi before = Jdbi.create(url);
        String org = organization(before, "one");
        Random random = new Random(3);
        before.useHandle(h -> {
            var batch = h.prepareBatch("INSERT INTO findings (org_id, id, category, rule_id, title, severity,"
                    + " severity_rank, status, resource_id, resource_type, resource_name, package_name, evidence,"
                    + " first_seen, last_seen) VALUES (:org, :id, 'vulnerability', :rule, :title, 'HIGH', :rank,"
                    + " :status, :resource, 'host', :name, :package, '{}', 0, 0)");
            for (int i = 0; i < 400; i++) {
                int host = random.nextInt(10);
                batch.bind("org", org)
                        .bind("id", "f" + i)
                        .bind("rule", "CVE-2099-" + random.nextInt(30))
                        .bind("title", "A synthetic flaw in package " + (i % 70))
                        .bind("rank", random.nextInt(6))
                        .bind(
                                "status",
                                List.of("open", "open", "muted", "resolved").get(random.nextInt(4)))
                        .bind("resource", "host:bench-" + host)
                        .bind("name", "bench-" + host)
                        .bind("package", random.nextInt(5) == 0 ? null : "pkg" + (i % 70))
                        .add();
            }
            batch.execute();
        });
        try (Database database = Database.open(temp, url)) {
            Jdbi jdbi = database.jdbi();
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            Map<String, List<@Nullable String>> rows = searched(jdbi, org);
            for (String needle : List.of("pkg1", "package 12", "bench-3", "cve-2099-1", "e 6", "zz")) {
                assertThat(ids(findings.query(org, text(List.of(), needle, 1000, 0))))
                        .as("[%s] after migrating", needle)
                        .isEqualTo(reference(rows, needle));
            }
            assertThat(groups(findings, org, 1000)).isEqualTo(groupedByRule(jdbi, org));
        }
    }
}
