package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.Target;

/** What the server tests do over HTTP again and again: sign in, build a Debian host's batch, send it. */
final class TestClient {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    TestClient(VigilServer server) {
        this.base = "http://127.0.0.1:" + server.port();
    }

    String base() {
        return base;
    }

    /** A session token for the user. */
    String login(String email, String password) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    /** Sends a gzipped batch with an intake key and returns the answer. */
    HttpResponse<String> send(String intakeKey, byte[] gzippedBatch) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/intake/v1/batches"))
                        .header("Authorization", "Bearer " + intakeKey)
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzippedBatch))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET with a session or key; the body as text. */
    HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Debian 12 host with the named packages at 1.0-1, each its own source package. */
    static Inventory debianHost(String... packages) {
        List<InstalledPackage> installed = new ArrayList<>();
        for (String name : packages) {
            installed.add(new InstalledPackage(
                    PackageType.DEB,
                    name,
                    null,
                    "1.0-1",
                    null,
                    "amd64",
                    name,
                    "1.0-1",
                    List.of(),
                    List.of(),
                    "pkg:deb/debian/" + name + "@1.0-1?arch=amd64&distro=debian-12"));
        }
        return new Inventory(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)"),
                OsSupport.supported("Debian 12 is supported"),
                installed,
                List.of(),
                Instant.now());
    }

    /** A batch's JSON; {@code agent} is filled with the id, hostname and the given version. */
    static ObjectNode batch(String batchId, String agentId, String hostname, String version, Inventory... inventories) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        ObjectNode agent = batch.putObject("agent");
        agent.put("id", agentId);
        agent.put("hostname", hostname);
        agent.put("version", version);
        agent.put("deployment", "linux");
        agent.putObject("facts");
        agent.putArray("capabilities");
        var list = batch.putArray("inventories");
        for (Inventory inventory : inventories) {
            list.add(CycloneDx.tree(inventory, List.of(), "test", UUID.randomUUID()));
        }
        return batch;
    }

    static byte[] gzip(ObjectNode batch) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(JSON.writeValueAsBytes(batch));
        }
        return bytes.toByteArray();
    }
}
