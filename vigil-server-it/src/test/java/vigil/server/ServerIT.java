package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.server.auth.Accounts;
import vigil.server.auth.ApiKeyScope;
import vigil.server.auth.Role;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The server over real HTTP, on both stores: SQLite in the data directory and a real PostgreSQL (embedded binaries).
 * Intake idempotency, server-side matching, the findings lifecycle, authentication, permissions, organization
 * isolation and bad input.
 */
class ServerIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base = "";

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

    private VigilServer start(String store) throws Exception {
        Path data = temp.resolve("data");
        Path advisory = temp.resolve("DEBIAN-CVE-2099-0001.json");
        Files.writeString(advisory, """
                {"id": "DEBIAN-CVE-2099-0001", "modified": "2099-01-01T00:00:00Z",
                 "details": "A test flaw in testpkg",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0-1"}]}]}]}
                """);
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisory), false, vigil.model.ProgressListener.NONE);
        String url = null;
        if (store.equals("postgresql")) {
            String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
            try (var connection = postgres.getPostgresDatabase().getConnection();
                    var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
        }
        VigilServer server = VigilServer.start(new VigilServer.Options(data, url, "127.0.0.1", 0), Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
        return server;
    }

    private HttpResponse<String> send(
            String method, String path, @Nullable String token, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = send("GET", path, token, new byte[0]);
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The running counts agree with a count of the findings themselves. */
    private static void assertCountsMatch(VigilServer server) {
        var jdbi = server.database().jdbi();
        List<String> counted = jdbi.withHandle(h -> h.createQuery("SELECT org_id || '/' || category || '/' || status"
                        + " || '/' || severity_rank || '=' || n FROM finding_counts WHERE n <> 0 ORDER BY 1")
                .mapTo(String.class)
                .list());
        List<String> actual = jdbi.withHandle(h -> h.createQuery("SELECT org_id || '/' || category || '/' || status"
                        + " || '/' || severity_rank || '=' || COUNT(*) FROM findings GROUP BY org_id, category, status,"
                        + " severity_rank ORDER BY 1")
                .mapTo(String.class)
                .list());
        assertThat(counted).isEqualTo(actual);
        // and the per-vulnerability counts agree with grouping the unresolved findings by rule
        List<String> byRule = jdbi.withHandle(h -> h.createQuery("SELECT org_id || '/' || rule_id || '=' || findings"
                        + " || '/' || max_rank || '/' || resources FROM vulnerability_counts WHERE findings <> 0"
                        + " ORDER BY 1")
                .mapTo(String.class)
                .list());
        List<String> grouped = jdbi.withHandle(h -> h.createQuery("SELECT org_id || '/' || rule_id || '=' || COUNT(*)"
                        + " || '/' || MAX(severity_rank) || '/' || COUNT(DISTINCT resource_id) FROM findings WHERE"
                        + " status <> 'resolved' GROUP BY org_id, rule_id ORDER BY 1")
                .mapTo(String.class)
                .list());
        assertThat(byRule).isEqualTo(grouped);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static Inventory host(String... packages) {
        return TestClient.debianHost(packages);
    }

    private static byte[] batch(String batchId, Inventory inventory) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        ObjectNode agent = batch.putObject("agent");
        agent.put("id", "agent-0001-test");
        agent.put("hostname", "web-1");
        agent.put("version", "0.1.0");
        agent.put("deployment", "linux");
        agent.putObject("facts").put("kernel", "6.1.0-18-amd64");
        agent.putArray("capabilities");
        batch.putArray("inventories").add(CycloneDx.tree(inventory, List.of(), "test", UUID.randomUUID()));
        return JSON.writeValueAsBytes(batch);
    }

    private HttpResponse<String> post(String token, byte[] gzippedBatch) throws Exception {
        return send(
                "POST",
                "/intake/v1/batches",
                token,
                gzippedBatch,
                "Content-Encoding",
                "gzip",
                "Content-Type",
                "application/json");
    }

    private String login(String email, String password) throws Exception {
        return login(email, password, null);
    }

    /** A sign-in, naming the organization unless it is the server's first. */
    private String login(String email, String password, @Nullable String organization) throws Exception {
        HttpResponse<String> response = send(
                "POST",
                "/api/v1/login",
                null,
                json("{\"email\":\"" + email + "\",\"password\":\"" + password + "\""
                        + (organization == null ? "" : ",\"organization\":\"" + organization + "\"") + "}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void findingsLiveThroughScansAndBatchesAreStoredOnce(String store) throws Exception {
        try (VigilServer server = start(store)) {
            VigilServer.Bootstrap first = server.bootstrap();
            assertThat(first).isNotNull();
            assertThat(send("GET", "/healthz", null, new byte[0]).statusCode()).isEqualTo(200);
            String admin = login(first.email(), first.password());

            HttpResponse<String> stored = post(first.intakeKey(), gzip(batch("batch-0001", host("testpkg", "other"))));
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
            assertThat(JSON.readTree(stored.body()).path("findings").asInt()).isEqualTo(1);
            HttpResponse<String> replay = post(first.intakeKey(), gzip(batch("batch-0001", host("testpkg", "other"))));
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(replay.body()).path("status").asString()).isEqualTo("duplicate");

            JsonNode page = get("/api/v1/findings", admin);
            assertThat(page.path("total").asLong()).isEqualTo(1);
            JsonNode finding = page.path("findings").get(0);
            assertThat(finding.path("ruleId").asString()).isEqualTo("CVE-2099-0001");
            assertThat(finding.path("packageName").asString()).isEqualTo("testpkg");
            assertThat(finding.path("fixedVersion").asString()).isEqualTo("2.0-1");
            assertThat(finding.path("status").asString()).isEqualTo("open");
            assertThat(finding.path("resourceName").asString()).isEqualTo("web-1");
            String id = finding.path("id").asString();

            // the package is upgraded away: a complete scan without it resolves the finding; it comes back, reopens
            assertThat(post(first.intakeKey(), gzip(batch("batch-0002", host("other"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(get("/api/v1/findings?status=resolved", admin)
                            .path("total")
                            .asLong())
                    .isEqualTo(1);
            assertThat(post(first.intakeKey(), gzip(batch("batch-0003", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(get("/api/v1/findings?status=open", admin).path("total").asLong())
                    .isEqualTo(1);

            // muted with a reason; a later scan keeps the mute
            HttpResponse<String> mute = send(
                    "POST",
                    "/api/v1/findings/" + id + "/mute",
                    admin,
                    json("{\"reason\":\"accepted risk: not reachable\",\"until\":\"2099-01-01T00:00:00Z\"}"));
            assertThat(mute.statusCode()).as(mute.body()).isEqualTo(200);
            assertThat(post(first.intakeKey(), gzip(batch("batch-0004", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            JsonNode muted = get("/api/v1/findings?status=muted&severity=unknown,high,critical", admin);
            assertThat(muted.path("total").asLong()).isEqualTo(1);
            assertThat(muted.path("facets").path("status").path("muted").asLong())
                    .isEqualTo(1);
            List<String> kinds = new ArrayList<>();
            get("/api/v1/findings/" + id + "/history", admin)
                    .path("events")
                    .forEach(e -> kinds.add(e.path("kind").asString()));
            assertThat(kinds).containsExactly("opened", "resolved", "reopened", "muted");

            HttpResponse<String> csv = send("GET", "/api/v1/findings/export?format=csv", admin, new byte[0]);
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            List<String> lines = csv.body().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("id,category,rule_id,title,severity,status");
            assertThat(lines.get(1))
                    .contains("CVE-2099-0001")
                    .contains("testpkg")
                    .contains("muted");
            JsonNode exported = JSON.readTree(send("GET", "/api/v1/findings/export?format=json", admin, new byte[0])
                    .body());
            assertThat(exported).hasSize(1);
            assertThat(exported.get(0).path("evidence").path("fixedVersion").asString())
                    .isEqualTo("2.0-1");
            JsonNode ocsf = JSON.readTree(send("GET", "/api/v1/findings/export?format=ocsf", admin, new byte[0])
                    .body());
            assertThat(ocsf.get(0).path("class_uid").asInt()).isEqualTo(2002);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> event = JSON.convertValue(ocsf.get(0), java.util.Map.class);
            vigil.model.finding.Finding back = vigil.model.ocsf.OcsfMapper.fromOcsf(event);
            assertThat(back.id()).isEqualTo(id);
            assertThat(back.status()).isInstanceOf(vigil.model.finding.FindingStatus.Muted.class);
            assertThat(send("GET", "/api/v1/findings/export?format=xls", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(400);

            assertCountsMatch(server);
            HttpResponse<String> unmute = send("POST", "/api/v1/findings/" + id + "/unmute", admin, new byte[0]);
            assertThat(unmute.statusCode()).isEqualTo(200);
            assertThat(post(first.intakeKey(), gzip(batch("batch-0005", host("other"))))
                            .statusCode())
                    .isEqualTo(202);
            assertCountsMatch(server);
            assertThat(get("/api/v1/findings?status=resolved", admin)
                            .path("total")
                            .asLong())
                    .isEqualTo(1);

            JsonNode agents = get("/api/v1/agents", admin).path("agents");
            assertThat(agents).hasSize(1);
            assertThat(agents.get(0).path("hostname").asString()).isEqualTo("web-1");
            assertThat(agents.get(0).path("stale").asBoolean()).isFalse();
        }
    }

    /**
     * The server keeps the advisory database open between batches (what it read stays read); an update replaces
     * the file, and then both re-evaluation and the next batch match against the new one, never the old.
     */
    @org.junit.jupiter.api.Test
    void anUpdatedAdvisoryDatabaseReplacesTheOneKeptOpen() throws Exception {
        try (VigilServer server = start("sqlite")) {
            VigilServer.Bootstrap first = server.bootstrap();
            assertThat(first).isNotNull();
            String admin = login(first.email(), first.password());
            assertThat(post(first.intakeKey(), gzip(batch("batch-db-01", host("testpkg", "other"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rules(get("/api/v1/findings", admin))).containsExactly("CVE-2099-0001");

            // the update: a new file with the old advisory withdrawn and two new ones, moved into place
            Path next = temp.resolve("next");
            List<Path> advisories = new ArrayList<>();
            for (String[] advisory : List.of(new String[] {"0002", "testpkg"}, new String[] {"0003", "other"})) {
                Path file = temp.resolve("DEBIAN-CVE-2099-" + advisory[0] + ".json");
                Files.writeString(file, """
                        {"id": "DEBIAN-CVE-2099-%s", "modified": "2099-01-01T00:00:00Z", "details": "flaw",
                         "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.0-1"}]}]}]}
                        """.formatted(advisory[0], advisory[1]));
                advisories.add(file);
            }
            new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                    .importInto(AdvisoryStore.fileIn(next), advisories, false, vigil.model.ProgressListener.NONE);
            Files.move(
                    AdvisoryStore.fileIn(next),
                    AdvisoryStore.fileIn(temp.resolve("data")),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);

            assertThat(server.reevaluate()).isEqualTo(2);
            assertThat(rules(get("/api/v1/findings?status=open", admin)))
                    .containsExactlyInAnyOrder("CVE-2099-0002", "CVE-2099-0003");
            assertThat(rules(get("/api/v1/findings?status=resolved", admin))).containsExactly("CVE-2099-0001");
            // a batch after the update: the new database too
            assertThat(post(first.intakeKey(), gzip(batch("batch-db-02", host("other"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(rules(get("/api/v1/findings?status=open", admin))).containsExactly("CVE-2099-0003");

            // a batch matched against the old file and stored after the replacement (the server matches before
            // its transaction): it is matched again, never stored with what the old database said
            var jdbi = server.database().jdbi();
            var notifications = new vigil.server.notify.Notifications(
                    jdbi,
                    vigil.server.auth.SecretBox.inDataDirectory(temp.resolve("data")),
                    new vigil.server.notify.WebhookClient(
                            new vigil.server.net.AddressRules(List.of()),
                            vigil.server.net.Resolver.system(),
                            java.time.Duration.ofSeconds(1),
                            java.time.Duration.ofSeconds(1)),
                    Clock.systemUTC(),
                    java.time.Duration.ofSeconds(1),
                    1);
            // the vulnerability wing as the server starts it, driven through the core's section interface
            var wing = new vigil.vulnerabilities.VulnerabilityWing()
                    .start(new vigil.server.wing.WingContext(
                            jdbi,
                            temp.resolve("data"),
                            Clock.systemUTC(),
                            new vigil.server.findings.FindingWriter(jdbi, Clock.systemUTC()),
                            new vigil.server.findings.FindingQueries(jdbi, Clock.systemUTC()),
                            notifications,
                            new vigil.server.ui.FindingTables(jdbi),
                            new vigil.server.findings.Triage(jdbi, Clock.systemUTC())));
            String org = jdbi.withHandle(h -> h.createQuery("SELECT id FROM organizations")
                    .mapTo(String.class)
                    .one());
            var parsed = vigil.server.intake.Intake.parseBatch(gzip(batch("batch-db-09", host("testpkg"))), true);
            var section = wing.sections().getFirst();
            // matched now, against the database that holds CVE-2099-0002 (the assertion above)
            var matched = section.prepare(parsed);
            // what a batch prepared now holds: another host with the same packages, prepared and stored at once
            var control = vigil.server.intake.Intake.parseBatch(
                    gzip(JSON.writeValueAsBytes(
                            TestClient.batch("batch-db-10", "agent-0010-test", "db-10", "0.1.0", host("testpkg")))),
                    true);
            var prepared = section.prepare(control);
            int storedNow = jdbi.inTransaction(h -> prepared.store(h, org));
            assertThat(storedNow).isEqualTo(1);
            List<String> controlOpen = jdbi.withHandle(h -> h.createQuery("SELECT rule_id FROM findings WHERE"
                            + " resource_id = 'host:agent-0010-test' AND status = 'open'")
                    .mapTo(String.class)
                    .list());
            assertThat(controlOpen)
                    .as("prepared against the database of the moment")
                    .containsExactly("CVE-2099-0002");
            Path third = temp.resolve("third");
            Path only = temp.resolve("DEBIAN-CVE-2099-0004.json");
            Files.writeString(only, """
                    {"id": "DEBIAN-CVE-2099-0004", "modified": "2099-01-01T00:00:00Z", "details": "flaw",
                     "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.0-1"}]}]}]}
                    """);
            new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                    .importInto(AdvisoryStore.fileIn(third), List.of(only), false, vigil.model.ProgressListener.NONE);
            Files.move(
                    AdvisoryStore.fileIn(third),
                    AdvisoryStore.fileIn(temp.resolve("data")),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            int stored = jdbi.inTransaction(h -> matched.store(h, org));
            assertThat(stored).isEqualTo(1);
            List<String> open = jdbi.withHandle(h -> h.createQuery("SELECT rule_id FROM findings WHERE resource_id ="
                            + " 'host:agent-0001-test' AND status = 'open'")
                    .mapTo(String.class)
                    .list());
            assertThat(open).containsExactly("CVE-2099-0004");
            wing.close();
            assertThatThrownBy(() -> section.prepare(parsed)).hasMessageContaining("closed");
        }
    }

    /**
     * A text in more findings than a search counts: the API says the total is a lower bound and gives no facet
     * counts, the page says so in words and still offers the next page.
     */
    @org.junit.jupiter.api.Test
    void aSearchMatchingMoreThanItCountsSaysSo() throws Exception {
        try (VigilServer server = start("sqlite")) {
            VigilServer.Bootstrap first = server.bootstrap();
            assertThat(first).isNotNull();
            String admin = login(first.email(), first.password());
            var jdbi = server.database().jdbi();
            String org = jdbi.withHandle(h -> h.createQuery("SELECT id FROM organizations")
                    .mapTo(String.class)
                    .one());
            int findings = vigil.server.findings.FindingQueries.COUNT_CAP + 5;
            jdbi.useTransaction(handle -> {
                var batch = handle.prepareBatch("INSERT INTO findings (org_id, id, category, rule_id, title, severity,"
                        + " severity_rank, status, resource_id, resource_type, resource_name, scope_kind, scope_id,"
                        + " evidence, first_seen, last_seen) VALUES (:org, :id, 'vulnerability', :rule, 'a needle in"
                        + " package', 'HIGH', 4, 'open', :resource, 'host', :name, 'resource', :resource, '{}', 0,"
                        + " :seen)");
                var details = handle.prepareBatch("INSERT INTO vulnerability_details (org_id, finding_id, package_name)"
                        + " VALUES (:org, :id, 'pkg')");
                for (int i = 0; i < findings; i++) {
                    batch.bind("org", org)
                            .bind("id", "f" + i)
                            .bind("rule", "CVE-2099-" + (i % 50))
                            .bind("resource", "host:h" + (i % 100))
                            .bind("name", "h" + (i % 100))
                            .bind("seen", (long) i)
                            .add();
                    details.bind("org", org).bind("id", "f" + i).add();
                }
                batch.execute();
                details.execute();
                vigil.server.store.SearchIndexMigration.addAllSearchTerms(handle, true);
            });

            JsonNode page = get("/api/v1/findings?q=NEEDLE&limit=7", admin);
            assertThat(page.path("totalExact").asBoolean()).isFalse();
            assertThat(page.path("total").asLong()).isEqualTo(vigil.server.findings.FindingQueries.COUNT_CAP);
            assertThat(page.path("facets").path("severity").size()).isZero();
            assertThat(page.path("findings").size()).isEqualTo(7);
            // most recently seen first, as without text
            assertThat(page.path("findings").get(0).path("id").asString()).isEqualTo("f" + (findings - 1));
            // narrower, it counts exactly again
            JsonNode narrow = get("/api/v1/findings?q=needle&resource=h7", admin);
            assertThat(narrow.path("totalExact").asBoolean()).isTrue();
            assertThat(narrow.path("total").asLong()).isEqualTo(findings / 100 + (findings % 100 > 7 ? 1 : 0));

            HttpResponse<String> html =
                    send("GET", "/findings?q=needle", null, new byte[0], "Cookie", "vigil_session=" + admin);
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.body())
                    .contains("More than 10,000 findings match")
                    .contains("&amp;cursor=") // the next page by cursor (ADR 0028)
                    .contains("Next 100</a>");
            // a rule filter stays on when a facet is chosen
            HttpResponse<String> ruled =
                    send("GET", "/findings?rule=CVE-2099-7", null, new byte[0], "Cookie", "vigil_session=" + admin);
            assertThat(ruled.body()).containsPattern("data-facet=\"severity:critical\" href=\"[^\"]*rule=CVE-2099-7");
        }
    }

    private static List<String> rules(JsonNode page) {
        List<String> rules = new ArrayList<>();
        page.path("findings")
                .forEach(finding -> rules.add(finding.path("ruleId").asString()));
        return rules;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void credentialsPermissionsAndOrganizationsAreEnforced(String store) throws Exception {
        try (VigilServer server = start(store)) {
            VigilServer.Bootstrap first = server.bootstrap();
            String admin = login(first.email(), first.password());
            assertThat(post(first.intakeKey(), gzip(batch("batch-0100", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            String id = get("/api/v1/findings", admin)
                    .path("findings")
                    .get(0)
                    .path("id")
                    .asString();

            assertThat(send("GET", "/api/v1/findings", null, new byte[0]).statusCode())
                    .isEqualTo(401);
            assertThat(send("GET", "/api/v1/findings", "vgl_forged", new byte[0])
                            .statusCode())
                    .isEqualTo(401);
            assertThat(send(
                                    "POST",
                                    "/api/v1/login",
                                    null,
                                    json("{\"email\":\"" + first.email() + "\",\"password\":\"wrong-password-123\"}"))
                            .statusCode())
                    .isEqualTo(401);
            // an intake key cannot read; a read key cannot send
            assertThat(send("GET", "/api/v1/findings", first.intakeKey(), new byte[0])
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> created =
                    send("POST", "/api/v1/api-keys", admin, json("{\"name\":\"dashboards\",\"scope\":\"read\"}"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String readKey = JSON.readTree(created.body()).path("token").asString();
            assertThat(get("/api/v1/findings", readKey).path("total").asLong()).isEqualTo(1);
            assertThat(post(readKey, gzip(batch("batch-0101", host("testpkg")))).statusCode())
                    .isEqualTo(403);
            String keyId = JSON.readTree(created.body()).path("id").asString();
            assertThat(send("DELETE", "/api/v1/api-keys/" + keyId, admin, new byte[0])
                            .statusCode())
                    .isEqualTo(204);
            assertThat(send("GET", "/api/v1/findings", readKey, new byte[0]).statusCode())
                    .isEqualTo(401);

            // users made by the admin get their role's permissions
            HttpResponse<String> user = send(
                    "POST",
                    "/api/v1/users",
                    admin,
                    json(
                            "{\"email\":\"viewer@example.com\",\"password\":\"long enough pass\",\"role\":\"read_only\"}"));
            assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
            assertThat(send(
                                    "POST",
                                    "/api/v1/users",
                                    admin,
                                    json("{\"email\":\"viewer@example.com\"," + "\"password\":\"long enough pass\"}"))
                            .statusCode())
                    .isEqualTo(409);
            assertThat(send(
                                    "POST",
                                    "/api/v1/users",
                                    admin,
                                    json("{\"email\":\"x@example.com\",\"password\":\"short\"}"))
                            .statusCode())
                    .isEqualTo(400);
            String viewer = login("viewer@example.com", "long enough pass");
            HttpResponse<String> assigned = send(
                    "POST", "/api/v1/findings/" + id + "/assign", admin, json("{\"assignee\":\"Viewer@Example.com\"}"));
            assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(200);
            assertThat(send("POST", "/api/v1/findings/" + id + "/assign", admin, json("{\"assignee\":\"nobody@x.y\"}"))
                            .statusCode())
                    .as("only users of the organization")
                    .isEqualTo(404);
            List<String> history = new ArrayList<>();
            get("/api/v1/findings/" + id + "/history", admin)
                    .path("events")
                    .forEach(e -> history.add(
                            e.path("kind").asString() + ":" + e.path("detail").asString("")));
            assertThat(history).contains("assigned:viewer@example.com");
            assertThat(get("/api/v1/findings?assignee=Viewer@example.com&status=open,muted,resolved", admin)
                            .path("findings")
                            .get(0)
                            .path("assignee")
                            .asString())
                    .isEqualTo("viewer@example.com");
            assertThat(get("/api/v1/findings?assignee=me&status=open,muted,resolved", viewer)
                            .path("total")
                            .asLong())
                    .isEqualTo(1);
            assertThat(get("/api/v1/findings?assignee=me", admin).path("total").asLong())
                    .isZero();
            // free text is taken literally: a LIKE wildcard or an FTS operator is just a character
            assertThat(get("/api/v1/findings?q=TESTPKG&status=open,muted,resolved", admin)
                            .path("total")
                            .asLong())
                    .isEqualTo(1);
            assertThat(get("/api/v1/findings?q=test_kg&status=open,muted,resolved", admin)
                            .path("total")
                            .asLong())
                    .isZero();
            assertThat(get("/api/v1/findings?q=%22testpkg%22%20OR%20x&status=open,muted,resolved", admin)
                            .path("total")
                            .asLong())
                    .isZero();
            assertThat(get("/api/v1/findings", viewer).path("total").asLong()).isEqualTo(1);
            assertThat(send("POST", "/api/v1/findings/" + id + "/mute", viewer, json("{\"reason\":\"no\"}"))
                            .statusCode())
                    .as("read-only users cannot triage")
                    .isEqualTo(403);

            // another organization sees nothing of the first, and cannot touch it
            Accounts accounts = new Accounts(server.database().jdbi(), Clock.systemUTC());
            String other = accounts.createOrganization("other");
            accounts.createUser(other, "analyst@other.example", "a long password 42".toCharArray(), Role.ANALYST);
            String analyst = login("analyst@other.example", "a long password 42", "other");
            assertThat(get("/api/v1/findings", analyst).path("total").asLong()).isZero();
            assertThat(get("/api/v1/agents", analyst).path("agents")).isEmpty();
            assertThat(send("POST", "/api/v1/findings/" + id + "/mute", analyst, json("{\"reason\":\"mine now\"}"))
                            .statusCode())
                    .isEqualTo(404);
            assertThat(send("GET", "/api/v1/findings/" + id + "/history", analyst, new byte[0])
                            .statusCode())
                    .isEqualTo(404);
            assertThat(send("DELETE", "/api/v1/api-keys/" + keyId, analyst, new byte[0])
                            .statusCode())
                    .as("an analyst is no admin")
                    .isEqualTo(403);
            String otherKey =
                    accounts.createApiKey(other, "agents", ApiKeyScope.INTAKE).token();
            // the same batch id in another organization is a different batch
            assertThat(post(otherKey, gzip(batch("batch-0100", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(get("/api/v1/findings", admin).path("total").asLong()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void badBatchesAreRefusedAndChangeNothing(String store) throws Exception {
        try (VigilServer server = start(store)) {
            VigilServer.Bootstrap first = server.bootstrap();
            String admin = login(first.email(), first.password());
            String key = first.intakeKey();
            assertThat(post(key, json("not gzip")).statusCode()).isEqualTo(400);
            assertThat(post(key, gzip(json("[1, 2"))).statusCode()).isEqualTo(400);
            assertThat(post(key, gzip(json("{\"batchId\": \"x\"}"))).body()).contains("batchId must be");
            HttpResponse<String> badSbom = post(
                    key,
                    gzip(json("{\"batchId\":\"batch-0200\",\"agent\":{\"id\":\"agent-0001-test\",\"hostname\":\"h\","
                            + "\"version\":\"0.1.0\",\"deployment\":\"linux\"},\"inventories\":[{\"bomFormat\":1}]}")));
            assertThat(badSbom.statusCode()).isEqualTo(400);
            assertThat(badSbom.body()).contains("inventory 0");
            // 300 MiB of JSON whitespace compresses to a few hundred KiB: refused once decompressed past the limit
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
                gzip.write('{');
                byte[] spaces = new byte[1 << 20];
                java.util.Arrays.fill(spaces, (byte) ' ');
                for (int i = 0; i < 300; i++) {
                    gzip.write(spaces);
                }
            }
            assertThat(post(key, bomb.toByteArray()).statusCode()).isEqualTo(413);
            byte[] huge = new byte[(int) VigilServer.MAX_REQUEST_BYTES + 1024];
            assertThat(post(key, huge).statusCode()).isEqualTo(413);
            assertThat(get("/api/v1/findings", admin).path("total").asLong()).isZero();
            assertThat(get("/api/v1/agents", admin).path("agents")).isEmpty();
            assertThat(send("GET", "/api/v1/findings?severity=apocalyptic", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(400);
            assertThat(send("GET", "/api/v1/findings?limit=0", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(400);
        }
    }
}
