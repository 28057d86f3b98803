package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.server.auth.Accounts;
import vigil.server.auth.ApiKeyScope;
import vigil.server.auth.Role;

/**
 * The Threats wing through the server as it ships, on SQLite and PostgreSQL (ADR 0046): signals sections stored once
 * per organization, the list's filters and cursor, the life cycle, mutes, sensors, notifications, the OCSF export,
 * tenant isolation, and the 400 and 422 answers.
 */
class ThreatSignalsIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
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
        String url = null;
        if (store.equals("postgresql") && postgres != null) {
            String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
            try (var connection = postgres.getPostgresDatabase().getConnection();
                    var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
        }
        VigilServer server = VigilServer.start(
                new VigilServer.Options(temp.resolve("data"), url, "127.0.0.1", 0), Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
        return server;
    }

    /** One signal as docs/threats-signals.md shows it; {@code image} null for a process outside containers. */
    static ObjectNode signal(String id, String rule, String severity, String path, @Nullable String image) {
        ObjectNode signal = JSON.createObjectNode()
                .put("id", id)
                .put("rule_id", rule)
                .put("rule_description", "A process read /etc/shadow")
                .put("severity", severity)
                .put("mitre_tactic", "TA0006")
                .put("mitre_technique", "T1003.008")
                .put("time", "2026-12-07T12:00:01.123456789Z")
                .put("last_time", "2026-12-07T12:00:04.000000001Z")
                .put("count", 3)
                .put("event_type", "open");
        signal.putObject("process")
                .put("pid", 4242)
                .put("ppid", 4200)
                .put("path", path)
                .put("comm", "cat")
                .put("args", "cat /etc/shadow")
                .put("uid", 0)
                .put("user", "root");
        ArrayNode ancestors = signal.putArray("ancestors");
        ancestors
                .addObject()
                .put("pid", 4200)
                .put("path", "/usr/bin/bash")
                .put("comm", "bash")
                .put("args", "bash");
        ancestors
                .addObject()
                .put("pid", 1)
                .put("path", "/usr/lib/systemd/systemd")
                .put("comm", "systemd");
        if (image != null) {
            signal.putObject("container")
                    .put("id", "3f9a")
                    .put("runtime", "docker")
                    .put("image", image);
        }
        signal.putObject("file").put("path", "/etc/shadow").put("operation", "open_read");
        signal.putNull("connection");
        signal.putObject("event")
                .put("open.file.path", "/etc/shadow")
                .put("open.flags", 0)
                .put("process.file.path", path);
        signal.putArray("actions")
                .addObject()
                .put("action", "kill")
                .put("result", "done")
                .put("detail", "SIGKILL sent to 4242");
        return signal;
    }

    /** A version 2 batch from agent {@code agent} with one signals section. */
    static byte[] batch(String batchId, String agent, String host, ObjectNode... signals) throws Exception {
        ObjectNode batch = JSON.createObjectNode().put("batchId", batchId);
        batch.putObject("source").put("kind", "agent").put("id", agent);
        ObjectNode agentNode = batch.putObject("agent")
                .put("id", agent)
                .put("hostname", host)
                .put("version", "0.1.0")
                .put("deployment", "linux");
        agentNode.putObject("facts");
        agentNode.putArray("capabilities");
        ObjectNode section = batch.putArray("sections").addObject().put("type", "signals");
        ObjectNode sensor = section.putObject("sensor")
                .put("state", "degraded")
                .put("reason", "events lost")
                .put("source", "ebpf")
                .put("since", "2026-12-07T12:00:00Z")
                .put("events", 123456)
                .put("approver_drops", 98765)
                .put("suppressed", 40);
        sensor.putArray("hooks").add("tp_btf/sched_process_exec");
        sensor.putObject("lost").put("exec", 0).put("open", 12);
        ArrayNode list = section.putArray("signals");
        for (ObjectNode signal : signals) {
            list.add(signal);
        }
        return gzip(JSON.writeValueAsBytes(batch));
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private HttpResponse<String> send(String method, String path, String token, byte[] body, boolean gzip)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + token);
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> intake(String key, byte[] batch) throws Exception {
        return send("POST", "/intake/v1/batches", key, batch, true);
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        return send("POST", path, token, json.getBytes(StandardCharsets.UTF_8), false);
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = send("GET", path, token, new byte[0], false);
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String login(String email, String password, @Nullable String organization) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\""
                                + password + "\""
                                + (organization == null ? "" : ",\"organization\":\"" + organization + "\"") + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    private static long count(VigilServer server, String sql) {
        Long n = server.database()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
        return n;
    }

    private static List<String> ids(JsonNode page) {
        return page.path("signals")
                .valueStream()
                .map(s -> s.path("id").asString())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void signalsAreStoredOnceTriagedMutedAndKeptPerOrganization(String store) throws Exception {
        try (VigilServer server = start(store)) {
            VigilServer.Bootstrap first = server.bootstrap();
            assertThat(first).isNotNull();
            String key = first.intakeKey();
            String admin = login(first.email(), first.password(), null);
            var jdbi = server.database().jdbi();
            String org = jdbi.withHandle(h -> h.createQuery("SELECT id FROM organizations")
                    .mapTo(String.class)
                    .one());
            // a notification rule for threats, so that new signals queue a delivery
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO notification_rules (org_id, id, name, category,"
                            + " min_severity, kind, target, created_at) VALUES (:org, 'rule-1', 'threats', 'threat',"
                            + " 'LOW', 'WEBHOOK', 'sealed', 0)")
                    .bind("org", org)
                    .execute());

            byte[] one = batch(
                    "batch-sig-0001",
                    "agent-web-0001",
                    "web-1",
                    signal("sig-1", "shadow_file_read", "high", "/usr/bin/cat", "nginx:1.27"),
                    signal("sig-2", "curl_to_metadata", "medium", "/usr/bin/curl", null),
                    signal("sig-1", "shadow_file_read", "high", "/usr/bin/cat", "nginx:1.27"));
            assertThat(intake(key, one).statusCode()).isEqualTo(202);
            assertThat(intake(key, one).statusCode()).as("the same batch again").isEqualTo(200);
            // a later batch repeating sig-1 stores only what is new
            assertThat(intake(
                                    key,
                                    batch(
                                            "batch-sig-0002",
                                            "agent-web-0001",
                                            "web-1",
                                            signal("sig-1", "shadow_file_read", "high", "/usr/bin/cat", "nginx:1.27"),
                                            signal("sig-3", "shadow_file_read", "critical", "/usr/bin/less", null)))
                            .statusCode())
                    .isEqualTo(202);
            JsonNode all = get("/api/v1/threats/signals", admin);
            assertThat(ids(all)).containsExactlyInAnyOrder("sig-1", "sig-2", "sig-3");
            assertThat(count(server, "SELECT COUNT(*) FROM findings WHERE category = 'threat'"))
                    .isEqualTo(3);
            assertThat(count(server, "SELECT COUNT(*) FROM notification_outbox"))
                    .as("each batch with new signals queued one delivery")
                    .isEqualTo(2);

            // filters and the cursor
            assertThat(ids(get("/api/v1/threats/signals?rule=shadow_file_read", admin)))
                    .containsExactlyInAnyOrder("sig-1", "sig-3");
            assertThat(ids(get("/api/v1/threats/signals?severity=critical", admin)))
                    .containsExactly("sig-3");
            assertThat(ids(get("/api/v1/threats/signals?image=nginx:1.27", admin)))
                    .containsExactly("sig-1");
            assertThat(ids(get("/api/v1/threats/signals?process=/usr/bin/curl", admin)))
                    .containsExactly("sig-2");
            assertThat(ids(get("/api/v1/threats/signals?host=web-1&tactic=TA0006&state=open", admin)))
                    .hasSize(3);
            assertThat(ids(get("/api/v1/threats/signals?from=2026-12-08T00:00:00Z", admin)))
                    .isEmpty();
            JsonNode page = get("/api/v1/threats/signals?limit=2", admin);
            assertThat(ids(page)).hasSize(2);
            JsonNode rest = get(
                    "/api/v1/threats/signals?limit=2&cursor="
                            + page.path("next").asString(),
                    admin);
            assertThat(ids(rest)).hasSize(1).doesNotContainAnyElementsOf(ids(page));
            assertThat(rest.path("next").isNull()).isTrue();
            HttpResponse<String> bad = send("GET", "/api/v1/threats/signals?severity=scary", admin, new byte[0], false);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("severity must be one of");
            assertThat(send("GET", "/api/v1/threats/signals?limit=0", admin, new byte[0], false)
                            .body())
                    .contains("limit must be");

            // one signal, whole
            JsonNode sig1 = get("/api/v1/threats/signals/sig-1", admin);
            assertThat(sig1.path("title").asString()).isEqualTo("A process read /etc/shadow");
            assertThat(sig1.path("evidence").path("ancestors")).hasSize(2);
            assertThat(sig1.path("evidence").path("count").asLong()).isEqualTo(3);
            assertThat(sig1.path("evidence")
                            .path("workload")
                            .path("containerRuntime")
                            .asString())
                    .isEqualTo("docker");
            assertThat(sig1.path("evidence")
                            .path("actions")
                            .get(0)
                            .path("action")
                            .asString())
                    .isEqualTo("kill");

            // the life cycle, by a person, with its history
            assertThat(post("/api/v1/threats/signals/sig-1/acknowledge", admin, "")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(post("/api/v1/threats/signals/sig-1/acknowledge", admin, "")
                            .statusCode())
                    .as("not from acknowledged")
                    .isEqualTo(409);
            assertThat(post("/api/v1/threats/signals/sig-1/archive", admin, "").statusCode())
                    .isEqualTo(200);
            String findingId = sig1.path("finding_id").asString();
            String status = jdbi.withHandle(h -> h.createQuery("SELECT status FROM findings WHERE id = :id")
                    .bind("id", findingId)
                    .mapTo(String.class)
                    .one());
            assertThat(status).as("an archived signal's finding is muted").isEqualTo("muted");
            assertThat(post("/api/v1/threats/signals/sig-1/reopen", admin, "").statusCode())
                    .isEqualTo(200);
            JsonNode history = get("/api/v1/threats/signals/sig-1", admin).path("history");
            assertThat(history.valueStream().map(e -> e.path("to").asString()))
                    .containsExactly("acknowledged", "archived", "open");
            assertThat(history.get(0).path("actor").asString()).isEqualTo(first.email());
            assertThat(post("/api/v1/threats/signals/nope/archive", admin, "").statusCode())
                    .isEqualTo(404);
            // a later batch never resolves a signal
            intake(key, batch("batch-sig-0003", "agent-web-0001", "web-1"));
            assertThat(get("/api/v1/findings?category=threat&status=resolved", admin)
                            .path("total")
                            .asLong())
                    .isZero();

            // mutes: later matching signals arrive archived, muted by the mute, and do not notify
            HttpResponse<String> created = post(
                    "/api/v1/threats/mutes",
                    admin,
                    "{\"rule_id\":\"shadow_file_read\",\"process_path\":\"/usr/bin/*\",\"reason\":\"backup job\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String muteId = JSON.readTree(created.body()).path("id").asString();
            assertThat(post("/api/v1/threats/mutes", admin, "{\"rule_id\":\"x\"}")
                            .body())
                    .contains("process_path or container_image");
            long outbox = count(server, "SELECT COUNT(*) FROM notification_outbox");
            intake(
                    key,
                    batch(
                            "batch-sig-0004",
                            "agent-web-0001",
                            "web-1",
                            signal("sig-4", "shadow_file_read", "high", "/usr/bin/cat", null)));
            JsonNode sig4 = get("/api/v1/threats/signals/sig-4", admin);
            assertThat(sig4.path("state").asString()).isEqualTo("archived");
            assertThat(sig4.path("muted_by").asString()).isEqualTo(muteId);
            assertThat(sig4.path("history").get(0).path("detail").asString()).contains("muted by mute " + muteId);
            assertThat(count(server, "SELECT COUNT(*) FROM notification_outbox"))
                    .as("a muted signal notifies nobody")
                    .isEqualTo(outbox);
            assertThat(get("/api/v1/threats/mutes", admin).path("mutes")).hasSize(1);
            assertThat(send("DELETE", "/api/v1/threats/mutes/" + muteId, admin, new byte[0], false)
                            .statusCode())
                    .isEqualTo(204);
            assertThat(get("/api/v1/threats/mutes", admin).path("mutes")).isEmpty();
            intake(
                    key,
                    batch(
                            "batch-sig-0005",
                            "agent-web-0001",
                            "web-1",
                            signal("sig-5", "shadow_file_read", "high", "/usr/bin/cat", null)));
            assertThat(get("/api/v1/threats/signals/sig-5", admin).path("state").asString())
                    .isEqualTo("open");

            // the sensor per host
            JsonNode sensor =
                    get("/api/v1/threats/sensors", admin).path("sensors").get(0);
            assertThat(sensor.path("host").asString()).isEqualTo("web-1");
            assertThat(sensor.path("state").asString()).isEqualTo("degraded");
            assertThat(sensor.path("lost").path("open").asLong()).isEqualTo(12);

            // the OCSF export carries each signal as a Detection Finding
            HttpResponse<String> export = send("GET", "/api/v1/findings/export?format=ocsf", admin, new byte[0], false);
            assertThat(export.statusCode()).isEqualTo(200);
            JsonNode detection = JSON.readTree(export.body())
                    .valueStream()
                    .filter(event -> event.path("class_uid").asInt() == 2004)
                    .filter(event -> event.path("unmapped")
                            .path("evidence")
                            .path("signal_id")
                            .asString()
                            .equals("sig-1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(detection.path("count").asLong()).isEqualTo(3);
            assertThat(detection
                            .path("finding_info")
                            .path("attacks")
                            .get(0)
                            .path("technique")
                            .path("uid")
                            .asString())
                    .isEqualTo("T1003.008");
            assertThat(detection.path("evidences").get(0).path("process").path("lineage"))
                    .hasSize(2);
            assertThat(vigil.model.ocsf.OcsfMapper.fromOcsf(JSON.convertValue(detection, java.util.Map.class))
                            .category())
                    .isEqualTo(vigil.model.finding.Category.THREAT);

            // bad signals are refused with 400 naming section, signal and field; a section no wing takes with 422
            ObjectNode broken = signal("sig-9", "r", "high", "/bin/sh", null);
            broken.remove("rule_id");
            HttpResponse<String> refused = intake(key, batch("batch-sig-0009", "agent-web-0001", "web-1", broken));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("signals section 0, signal 0").contains("rule_id");
            ObjectNode identity = JSON.createObjectNode().put("batchId", "batch-idn-0001");
            identity.putObject("source").put("kind", "scan").put("id", "ci-runner-0001");
            identity.putArray("sections").addObject().put("type", "identity");
            HttpResponse<String> unclaimed = intake(key, gzip(JSON.writeValueAsBytes(identity)));
            assertThat(unclaimed.statusCode()).isEqualTo(422);
            assertThat(unclaimed.body()).contains("'identity' section");

            // another organization sees none of it, through the API and the pages
            Accounts accounts = new Accounts(jdbi, Clock.systemUTC());
            String other = accounts.createOrganization("other");
            accounts.createUser(other, "analyst@other.example", "a long password 42".toCharArray(), Role.ANALYST);
            String analyst = login("analyst@other.example", "a long password 42", "other");
            assertThat(ids(get("/api/v1/threats/signals", analyst))).isEmpty();
            assertThat(send("GET", "/api/v1/threats/signals/sig-1", analyst, new byte[0], false)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(post("/api/v1/threats/signals/sig-1/archive", analyst, "")
                            .statusCode())
                    .isEqualTo(404);
            assertThat(get("/api/v1/threats/sensors", analyst).path("sensors")).isEmpty();
            assertThat(get("/api/v1/threats/mutes", analyst).path("mutes")).isEmpty();
            String otherPage = send("GET", "/threats?period=all", analyst, new byte[0], false)
                    .body();
            assertThat(otherPage)
                    .doesNotContain("shadow_file_read")
                    .doesNotContain("web-1")
                    .contains("no-sensor");
            assertThat(send("GET", "/threats/signals/sig-1", analyst, new byte[0], false)
                            .statusCode())
                    .isEqualTo(404);
            // the same signal id in another organization is another signal
            String otherKey =
                    accounts.createApiKey(other, "agents", ApiKeyScope.INTAKE).token();
            assertThat(intake(
                                    otherKey,
                                    batch(
                                            "batch-oth-0001",
                                            "agent-oth-0001",
                                            "db-1",
                                            signal("sig-1", "other_rule", "low", "/bin/sh", null)))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(ids(get("/api/v1/threats/signals", analyst))).containsExactly("sig-1");
            assertThat(get("/api/v1/threats/signals/sig-1", admin)
                            .path("rule_id")
                            .asString())
                    .isEqualTo("shadow_file_read");
        }
    }
}
