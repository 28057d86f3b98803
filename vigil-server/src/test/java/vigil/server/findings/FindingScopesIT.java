package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.server.findings.TestStores.organization;
import static vigil.server.findings.TestStores.posture;
import static vigil.server.findings.TestStores.vulnerability;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Finding;
import vigil.model.finding.Scope;
import vigil.server.store.Database;

/**
 * Scopes and per-category counts (ADR 0033) on both stores: what a result of each scope replaces, and that another
 * capability's findings are counted under their category and never under the vulnerability groupings.
 */
class FindingScopesIT {
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

    private Database open(String kind) throws Exception {
        if (stores == null) {
            throw new IllegalStateException("no stores");
        }
        return Database.open(temp, stores.url(kind, temp));
    }

    private static FindingWriter.Outcome store(
            Jdbi jdbi, FindingWriter writer, String org, Scope scope, Category category, List<Finding> found) {
        return jdbi.inTransaction(h -> writer.replace(h, org, scope, category, found));
    }

    private static List<String> keys(FindingQueries findings, String org, String by) {
        return findings.groups(org, by, 100, 0).rows().stream()
                .map(g -> g.key() + "=" + g.findings())
                .toList();
    }

    private static List<String> keys(FindingQueries findings, String org, Category category, String by) {
        return findings.groups(org, category, by, 100, 0).rows().stream()
                .map(g -> g.key() + "=" + g.findings())
                .toList();
    }

    private static Map<String, String> statuses(FindingQueries findings, String org) {
        Map<String, String> statuses = new TreeMap<>();
        findings.query(org, new FindingQueries.Filter(List.of(), List.of(), null, null, null, null, null, 1000, 0))
                .rows()
                .forEach(row -> statuses.put(row.ruleId() + "@" + row.resourceId(), row.status()));
        return statuses;
    }

    /**
     * A posture rule failed on a host that also has a vulnerability: the groupings by CVE, package and host show the
     * vulnerability only, the posture rule is counted under its own category, and the list shows both. Before counts
     * were kept per category the posture rule appeared under "Vulnerabilities by CVE" and doubled the host's count.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherCategoryIsCountedUnderItsOwnAndNeverAsAVulnerability(String kind) throws Exception {
        try (Database database = open(kind)) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "one");
            Finding cve = vulnerability("CVE-2099-1", Severity.HIGH, "host:web-1", "openssl", "3.1");
            Finding rule = posture("CIS-2.1.1", Severity.CRITICAL, "host:web-1", null);
            jdbi.useTransaction(h -> writer.replaceScan(h, org, "host:web-1", Category.VULNERABILITY, List.of(cve)));
            jdbi.useTransaction(
                    h -> writer.replaceScan(h, org, "host:web-1", Category.MISCONFIGURATION, List.of(rule)));

            assertThat(keys(findings, org, "cve")).containsExactly("CVE-2099-1=1");
            assertThat(keys(findings, org, "package")).containsExactly("openssl=1");
            assertThat(keys(findings, org, "host")).containsExactly("web-1=1");
            assertThat(findings.groups(org, "cve", 100, 0).total()).isEqualTo(1);

            assertThat(keys(findings, org, Category.MISCONFIGURATION, "rule")).containsExactly("CIS-2.1.1=1");
            assertThat(keys(findings, org, Category.MISCONFIGURATION, "host")).containsExactly("host:web-1=1");
            assertThat(keys(findings, org, Category.MISCONFIGURATION, "package"))
                    .isEmpty();
            FindingQueries.Page all = findings.query(
                    org, new FindingQueries.Filter(List.of(), List.of(), null, null, null, null, null, 100, 0));
            assertThat(all.total()).isEqualTo(2);
            assertThat(all.facets().get("category")).isEqualTo(Map.of("vulnerability", 1L, "misconfiguration", 1L));
            FindingQueries.Row posture = all.rows().stream()
                    .filter(row -> row.category().equals("misconfiguration"))
                    .findFirst()
                    .orElseThrow();
            assertThat(posture.packageName()).isNull();
            assertThat(posture.fixState()).isNull();

            // resolving the posture finding leaves the vulnerability counts as they were
            jdbi.useTransaction(h -> writer.replaceScan(h, org, "host:web-1", Category.MISCONFIGURATION, List.of()));
            assertThat(keys(findings, org, Category.MISCONFIGURATION, "rule")).isEmpty();
            assertThat(keys(findings, org, "cve")).containsExactly("CVE-2099-1=1");
            assertThat(keys(findings, org, "host")).containsExactly("web-1=1");
        }
    }

    /**
     * An account's result replaces every finding of its category in the account: a resource that vanished has its
     * findings resolved, one still there keeps them; another account's findings and a resource scan's findings of
     * the same category on the same resource are not the account's and stay.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAccountResultReplacesTheAccountsFindings(String kind) throws Exception {
        try (Database database = open(kind)) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "one");
            Scope account = new Scope.Account("aws", "111122223333");
            Scope other = new Scope.Account("aws", "444455556666");
            Finding a = posture("S3.1", Severity.HIGH, "bucket-a", "111122223333");
            Finding b = posture("S3.1", Severity.HIGH, "bucket-b", "111122223333");
            Finding b2 = posture("S3.8", Severity.MEDIUM, "bucket-b", "111122223333");
            Finding gone = posture("S3.1", Severity.LOW, "bucket-gone", "111122223333");
            Finding elsewhere = posture("S3.1", Severity.HIGH, "bucket-x", "444455556666");
            Finding agent = posture("FILE.1", Severity.LOW, "bucket-gone", null);

            FindingWriter.Outcome first =
                    store(jdbi, writer, org, account, Category.MISCONFIGURATION, List.of(a, b, gone));
            assertThat(first.opened()).isEqualTo(3);
            store(jdbi, writer, org, other, Category.MISCONFIGURATION, List.of(elsewhere));
            store(jdbi, writer, org, new Scope.Resource("bucket-gone"), Category.MISCONFIGURATION, List.of(agent));
            assertThat(keys(findings, org, Category.MISCONFIGURATION, "rule")).containsExactly("S3.1=4", "FILE.1=1");

            FindingWriter.Outcome second = store(jdbi, writer, org, account, Category.MISCONFIGURATION, List.of(a, b2));
            assertThat(second.opened()).isEqualTo(1);
            assertThat(second.refreshed()).isEqualTo(1);
            assertThat(second.resolved()).isEqualTo(2);
            assertThat(statuses(findings, org))
                    .containsEntry("S3.1@bucket-a", "open")
                    .containsEntry("S3.1@bucket-b", "resolved")
                    .containsEntry("S3.8@bucket-b", "open")
                    .containsEntry("S3.1@bucket-gone", "resolved")
                    .containsEntry("S3.1@bucket-x", "open")
                    .containsEntry("FILE.1@bucket-gone", "open");
            // counts per rule and per resource follow, with the resources that still have one
            assertThat(findings.groups(org, Category.MISCONFIGURATION, "rule", 100, 0)
                            .rows())
                    .extracting(g -> g.key() + " findings=" + g.findings() + " resources=" + g.resources())
                    .containsExactly(
                            "S3.1 findings=2 resources=2",
                            "S3.8 findings=1 resources=1",
                            "FILE.1 findings=1 resources=1");
            assertThat(keys(findings, org, Category.MISCONFIGURATION, "host"))
                    .containsExactlyInAnyOrder("bucket-a=1", "bucket-b=1", "bucket-x=1", "bucket-gone=1");
            assertThat(keys(findings, org, "cve")).isEmpty();

            // the resource that vanished comes back: its finding reopens
            FindingWriter.Outcome third =
                    store(jdbi, writer, org, account, Category.MISCONFIGURATION, List.of(a, b2, gone));
            assertThat(third.reopened()).isEqualTo(1);
            assertThat(statuses(findings, org)).containsEntry("S3.1@bucket-gone", "open");
        }
    }

    /**
     * A stream only appends: a later result never resolves what an earlier one reported, a signal reported again is
     * refreshed, and a muted one stays muted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aStreamOnlyAppends(String kind) throws Exception {
        try (Database database = open(kind)) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            Triage triage = new Triage(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "one");
            Scope stream = new Scope.Stream("falco:web-1");
            Finding shell = posture("SHELL_IN_CONTAINER", Severity.HIGH, "host:web-1", null);
            Finding miner = posture("CRYPTO_MINER", Severity.CRITICAL, "host:web-1", null);
            Finding scan = posture("PORT_SCAN", Severity.MEDIUM, "host:web-2", null);

            assertThat(store(jdbi, writer, org, stream, Category.THREAT, List.of(shell, miner))
                            .opened())
                    .isEqualTo(2);
            FindingWriter.Outcome later = store(jdbi, writer, org, stream, Category.THREAT, List.of(scan));
            assertThat(later.resolved()).isZero();
            assertThat(later.opened()).isEqualTo(1);
            assertThat(triage.mute(org, shell.id(), "known admin", null, "t")).isTrue();
            FindingWriter.Outcome again = store(jdbi, writer, org, stream, Category.THREAT, List.of(shell));
            assertThat(again.refreshed()).isEqualTo(1);
            assertThat(again.resolved()).isZero();
            assertThat(store(jdbi, writer, org, stream, Category.THREAT, List.of())
                            .resolved())
                    .isZero();
            assertThat(statuses(findings, org))
                    .isEqualTo(Map.of(
                            "SHELL_IN_CONTAINER@host:web-1", "muted",
                            "CRYPTO_MINER@host:web-1", "open",
                            "PORT_SCAN@host:web-2", "open"));
            assertThat(keys(findings, org, Category.THREAT, "rule"))
                    .containsExactly("CRYPTO_MINER=1", "SHELL_IN_CONTAINER=1", "PORT_SCAN=1");
            assertThat(keys(findings, org, Category.THREAT, "host")).containsExactly("host:web-1=2", "host:web-2=1");
        }
    }

    /**
     * A vulnerability's package, versions and fix state live in their own table: listed, filtered, searched and
     * exported as before, and a rescan that finds a new fixed version updates it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void vulnerabilityDetailsAreListedFilteredAndFollowARescan(String kind) throws Exception {
        try (Database database = open(kind)) {
            Jdbi jdbi = database.jdbi();
            FindingWriter writer = new FindingWriter(jdbi, Clock.systemUTC());
            FindingQueries findings = new FindingQueries(jdbi, Clock.systemUTC());
            String org = organization(jdbi, "one");
            Finding ssl = vulnerability("CVE-2099-1", Severity.HIGH, "host:web-1", "openssl", "3.1");
            Finding zlib = vulnerability("CVE-2099-2", Severity.LOW, "host:web-1", "zlib", "1.3");
            jdbi.useTransaction(
                    h -> writer.replaceScan(h, org, "host:web-1", Category.VULNERABILITY, List.of(ssl, zlib)));
            Finding fixedLater = vulnerability("CVE-2099-1", Severity.HIGH, "host:web-1", "openssl", "3.2");
            jdbi.useTransaction(
                    h -> writer.replaceScan(h, org, "host:web-1", Category.VULNERABILITY, List.of(fixedLater, zlib)));

            FindingQueries.Page byPackage = findings.query(
                    org,
                    new FindingQueries.Filter(
                            List.of(), List.of(), null, null, null, null, null, "openssl", 10, 0, null));
            assertThat(byPackage.rows()).hasSize(1);
            FindingQueries.Row row = byPackage.rows().getFirst();
            assertThat(List.of(row.packageName(), row.packageVersion(), row.fixedVersion(), row.fixState()))
                    .containsExactly("openssl", "1.0", "3.2", "FIXED");
            assertThat(byPackage.total()).isEqualTo(1);
            FindingQueries.Page searched = findings.query(
                    org, new FindingQueries.Filter(List.of(), List.of(), null, null, null, "ZLI", null, 10, 0));
            assertThat(searched.rows())
                    .extracting(FindingQueries.Row::packageName)
                    .containsExactly("zlib");

            var out = new java.io.ByteArrayOutputStream();
            new FindingExport(jdbi).write(org, null, FindingExport.Format.CSV, out);
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains(",openssl,1.0,3.2,FIXED,")
                    .contains(",zlib,1.0,1.3,FIXED,");
        }
    }

    /**
     * The package filter and the account's read of its findings go through their indexes, never through every
     * finding (PostgreSQL with sequential scans discouraged, as a large table would).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void packagesAndAccountsAreReadThroughTheirIndexes(String kind) throws Exception {
        try (Database database = open(kind)) {
            boolean sqlite = database.isSqlite();
            String byPackage = "SELECT id FROM findings WHERE org_id = :org AND " + FindingSql.WITH_PACKAGE;
            String byAccount = "SELECT f.id FROM findings f WHERE f.org_id = :org AND f.category = 'misconfiguration'"
                    + " AND f.scope_kind = 'account' AND f.scope_kind <> 'resource' AND f.scope_id = :scope";
            for (String sql : List.of(byPackage, byAccount)) {
                String plan = database.jdbi().withHandle(h -> {
                    if (!sqlite) {
                        h.execute("SET enable_seqscan = off");
                    }
                    return String.join(
                            "\n",
                            h.createQuery((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql)
                                    .bind("org", "org-1")
                                    .bind("package", "openssl")
                                    .bind("scope", "aws/1")
                                    .map((rs, ctx) -> rs.getString(sqlite ? 4 : 1))
                                    .list());
                });
                String index = sql.equals(byPackage) ? "vulnerability_details_by_package" : "findings_by_scope";
                assertThat(plan).as(plan).contains(index);
                assertThat(plan).as(plan).doesNotContain(sqlite ? "SCAN f" : "Seq Scan");
            }
        }
    }
}
