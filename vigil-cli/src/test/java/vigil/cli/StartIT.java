package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/** {@code vigil start}: one command, and the API shows this machine's packages and their vulnerabilities. */
class StartIT {
    @TempDir
    Path temp;

    @Test
    void oneCommandStartsTheServerAndReportsThisHost() throws Exception {
        // an advisory for a package every Debian host has, so the host is certain to have a finding
        Path advisory = temp.resolve("DEBIAN-CVE-2099-0002.json");
        Files.writeString(advisory, """
                {"id": "DEBIAN-CVE-2099-0002", "modified": "2099-01-01T00:00:00Z", "details": "test flaw in dpkg",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "dpkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
                """);
        Path data = temp.resolve("data");
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisory), false, vigil.model.ProgressListener.NONE);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process vigil = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        Path.of("target", "vigil-cli.jar").toString(),
                        "start",
                        "--data-dir",
                        data.toString(),
                        "--port",
                        String.valueOf(port))
                .redirectErrorStream(true)
                .start();
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(vigil.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = output.readLine()) != null) {
                seen.append(line).append('\n');
                // the inventory's batch, and the configuration checks' (vigil start runs them on Linux)
                if (line.matches(".* packages: sent \\d+, 0 spooled")) {
                    break;
                }
            }
            assertThat(seen.toString())
                    .contains("Vigil is running at http://127.0.0.1:" + port)
                    .contains("admin:   admin@vigil.local / ")
                    .containsPattern("misconfigurations: \\d+ verdicts \\(\\d+ failed\\)")
                    .contains(" packages: sent 2, 0 spooled");
            Properties credentials = new Properties();
            try (var reader = Files.newBufferedReader(data.resolve("initial-credentials"))) {
                credentials.load(reader);
            }
            assertThat(Files.getPosixFilePermissions(data.resolve("initial-credentials")))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            JsonMapper json = JsonMapper.builder().build();
            String token = json.readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                                            .POST(HttpRequest.BodyPublishers.ofString(
                                                    "{\"email\":\"admin@vigil.local\"," + "\"password\":\""
                                                            + credentials.getProperty("password") + "\"}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("token")
                    .asString();
            JsonNode findings = json.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(base + "/api/v1/findings?rule=CVE-2099-0002"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(findings.path("total").asLong()).isGreaterThanOrEqualTo(1);
            List<String> packages = new java.util.ArrayList<>();
            findings.path("findings")
                    .forEach(f -> packages.add(f.path("packageName").asString()));
            assertThat(packages)
                    .as("binary packages of the source package dpkg")
                    .contains("dpkg");
            JsonNode scans = json.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(base + "/api/v1/misconfigurations/scans"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(scans.path("scans").size())
                    .as("this host's configuration scan")
                    .isEqualTo(1);
            assertThat(scans.path("scans").get(0).path("passed").asInt()).isPositive();
            // the distribution serves the pages from templates compiled into the jar (ADR 0032)
            HttpResponse<String> login = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("<form class=\"login\"");
            for (Map.Entry<String, String> expected : Map.of(
                            "/findings", "<p id=\"total\">",
                            "/vulnerabilities?by=package", ">dpkg</a>",
                            "/setup", "<table id=\"agents\">")
                    .entrySet()) {
                String path = expected.getKey();
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertThat(page.body()).as(path).contains("<nav>").contains(expected.getValue());
            }
            // and only jte's runtime is shipped: nothing can compile a template there
            try (var lib = Files.list(Path.of("target", "lib"))) {
                List<String> jars = lib.map(jar -> jar.getFileName().toString()).toList();
                assertThat(jars)
                        .anyMatch(jar -> jar.startsWith("jte-runtime-"))
                        .noneMatch(jar -> jar.matches("jte-\\d.*"));
            }
        } finally {
            vigil.destroy();
            vigil.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
