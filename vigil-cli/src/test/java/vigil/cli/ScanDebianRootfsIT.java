package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end on a real Debian 12 root filesystem made by debootstrap: its packages must be exactly those
 * {@code dpkg-query} lists; advisories written for its real source packages must match exactly; the same root as a
 * docker-archive and as an OCI layout, and as an SBOM, must give the same answer; exit codes gate as documented.
 */
class ScanDebianRootfsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path temp;

    private static Path root;
    private static Path data;
    /** binary package -> "source sourceVersion", from dpkg-query on the root. */
    private static final Map<String, String> SOURCES = new HashMap<>();

    private static List<String> dpkgQuery(Path root, String format) throws Exception {
        Process process = new ProcessBuilder(
                        "dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W", "-f", format)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return output.lines().toList();
    }

    private static String osv(String id, String alias, String ecosystem, String name, String events, String extra) {
        return """
                {"id": "%s", "modified": "2026-11-01T00:00:00Z", "aliases": [%s], %s
                 "affected": [{"package": {"ecosystem": "%s", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [%s]}]}]}
                """.formatted(id, alias, extra, ecosystem, name, events);
    }

    @BeforeAll
    static void prepare() throws Exception {
        root = TestRootfs.debian();
        for (String line : dpkgQuery(root, "${db:Status-Status} ${Package} ${source:Package} ${source:Version}\\n")) {
            String[] fields = line.split(" ");
            if (fields[0].equals("installed")) {
                SOURCES.put(fields[1], fields[2] + " " + fields[3]);
            }
        }
        String glibc = SOURCES.get("libc6").split(" ")[1];
        Path feed = Files.createDirectories(temp.resolve("feed"));
        Files.writeString(
                feed.resolve("DSA-9001-1.json"),
                osv(
                        "DSA-9001-1",
                        "\"CVE-2099-0001\"",
                        "Debian:12",
                        "glibc",
                        "{\"introduced\": \"0\"}, {\"fixed\": \"" + glibc + "+vigil1\"}",
                        ""));
        Files.writeString(feed.resolve("DEBIAN-CVE-2099-0001.json"), """
                {"id": "DEBIAN-CVE-2099-0001", "modified": "2026-11-01T00:00:00Z", "upstream": ["CVE-2099-0001"],
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "glibc"}, "ecosystem_specific": {"urgency": "high"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "%s+vigil1"}]}]}]}
                """.formatted(glibc));
        Files.writeString(
                feed.resolve("DEBIAN-CVE-2099-0002.json"),
                osv(
                        "DEBIAN-CVE-2099-0002",
                        "",
                        "Debian:12",
                        "bash",
                        "{\"introduced\": \"0\"}",
                        "\"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"));
        Files.writeString(
                feed.resolve("DSA-9003-1.json"),
                osv(
                        "DSA-9003-1",
                        "\"CVE-2099-0003\"",
                        "Debian:12",
                        "coreutils",
                        "{\"introduced\": \"0\"}, {\"fixed\": \"1.0-1\"}",
                        ""));
        Files.writeString(
                feed.resolve("DSA-9004-1.json"),
                osv(
                        "DSA-9004-1",
                        "\"CVE-2099-0004\"",
                        "Debian:11",
                        "tar",
                        "{\"introduced\": \"0\"}, {\"fixed\": \"99:1\"}",
                        ""));
        data = temp.resolve("data");
        assertThat(Main.run("db", "import", "--data-dir", data.toString(), feed.toString()))
                .isZero();
    }

    private static JsonNode scanJson(String... target) throws Exception {
        Path report = Files.createTempFile(temp, "report-", ".json");
        List<String> args = new ArrayList<>(List.of(target));
        args.addAll(List.of(
                "--format", "json", "--output", report.toString(), "--data-dir", data.toString(), "--offline", "-q"));
        assertThat(Main.run(args.toArray(String[]::new))).isZero();
        return JSON.readTree(Files.readString(report));
    }

    private static Set<String> findings(JsonNode report) {
        Set<String> out = new TreeSet<>();
        for (JsonNode vulnerability : report.path("vulnerabilities")) {
            out.add(vulnerability.path("package").asString() + " "
                    + vulnerability.path("id").asString() + " "
                    + vulnerability.path("fixState").asString() + " "
                    + vulnerability.path("fixedVersion").asString("-")
                    + " " + vulnerability.path("severity").asString());
        }
        return out;
    }

    private static Set<String> expectedFindings() {
        String glibc = SOURCES.get("libc6").split(" ")[1];
        Set<String> expected = new TreeSet<>();
        SOURCES.forEach((binary, source) -> {
            if (source.startsWith("glibc ")) {
                expected.add(binary + " CVE-2099-0001 fixed " + glibc + "+vigil1 HIGH");
            }
            if (source.startsWith("bash ")) {
                expected.add(binary + " CVE-2099-0002 not_fixed - CRITICAL");
            }
        });
        return expected;
    }

    @Test
    void packagesAreExactlyWhatDpkgQueryLists() throws Exception {
        Path sbom = temp.resolve("inventory.json");
        assertThat(Main.run("sbom", "rootfs", root.toString(), "--format", "json", "--output", sbom.toString(), "-q"))
                .isZero();
        Set<String> found = new TreeSet<>();
        for (JsonNode pkg : JSON.readTree(Files.readString(sbom)).path("packages")) {
            found.add(pkg.path("name").asString() + ":" + pkg.path("arch").asString() + " "
                    + pkg.path("version").asString());
        }
        Set<String> expected = dpkgQuery(root, "${db:Status-Status} ${Package}:${Architecture} ${Version}\\n").stream()
                .filter(line -> line.startsWith("installed "))
                .map(line -> line.substring("installed ".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void rootfsScanFindsExactlyTheAdvisoriesThatApply() throws Exception {
        JsonNode report = scanJson("scan", "rootfs", root.toString());
        assertThat(report.path("os").path("family").asString()).isEqualTo("debian");
        assertThat(report.path("os").path("support").asString()).isEqualTo("supported");
        assertThat(findings(report)).isEqualTo(expectedFindings()).isNotEmpty();
    }

    @Test
    void exitCodesGateOnSeverityAndFixState() throws Exception {
        String[] base = {
            "scan",
            "rootfs",
            root.toString(),
            "--data-dir",
            data.toString(),
            "--offline",
            "-q",
            "--output",
            temp.resolve("gate.txt").toString()
        };
        assertThat(Main.run(concat(base, "--fail-on", "CRITICAL"))).isEqualTo(ExitCodes.FINDINGS);
        assertThat(Main.run(concat(base, "--fail-on", "CRITICAL", "--ignore-unfixed")))
                .isEqualTo(ExitCodes.OK);
        assertThat(Main.run(concat(base, "--fail-on", "HIGH", "--ignore-unfixed")))
                .isEqualTo(ExitCodes.FINDINGS);
        assertThat(Main.run(concat(base, "--severity", "LOW", "--fail-on", "LOW")))
                .isEqualTo(ExitCodes.OK);
        assertThat(Main.run(concat(base, "--format", "yaml"))).isEqualTo(ExitCodes.USAGE);
        Path empty = Files.createDirectories(temp.resolve("empty-root"));
        assertThat(Main.run(
                        "scan",
                        "rootfs",
                        empty.toString(),
                        "--data-dir",
                        data.toString(),
                        "--offline",
                        "-q",
                        "--output",
                        temp.resolve("empty.txt").toString(),
                        "--fail-on",
                        "LOW"))
                .isEqualTo(ExitCodes.NOT_SCANNABLE);
        assertThat(Files.readString(temp.resolve("empty.txt")))
                .contains("NOT SCANNED")
                .contains("no OS release file");
        assertThat(Main.run(
                        "scan",
                        "rootfs",
                        root.toString(),
                        "--data-dir",
                        temp.resolve("no-db").toString(),
                        "--offline",
                        "-q"))
                .isEqualTo(ExitCodes.ERROR);
    }

    @Test
    void imagesBuiltFromTheRootGiveTheSameAnswer() throws Exception {
        Set<String> expected = expectedFindings();
        Path archive = TestRootfs.dockerArchive(
                temp.resolve("debian.tar"), "debian:test", List.of(TestRootfs.layer(root, false)));
        JsonNode fromArchive = scanJson("scan", "image", archive.toString());
        assertThat(findings(fromArchive)).isEqualTo(expected);
        assertThat(fromArchive.path("target").path("name").asString()).startsWith("debian:test");
        Files.delete(archive);

        Path layout = TestRootfs.ociLayout(temp.resolve("oci"), List.of(TestRootfs.layer(root, true)));
        JsonNode fromLayout = scanJson("scan", "image", layout.toString());
        assertThat(findings(fromLayout)).isEqualTo(expected);
        assertThat(fromLayout.path("packageCount").asInt()).isEqualTo(SOURCES.size());
    }

    /**
     * {@code vigil scan image --send-to}: the server matches the image's inventory against its own database and
     * keeps the same findings the local scan reports, on a container_image resource.
     */
    @Test
    void anImageSentToTheServerIsMatchedThere() throws Exception {
        Path archive = TestRootfs.dockerArchive(
                temp.resolve("sent.tar"), "debian:sent", List.of(TestRootfs.layer(root, false)));
        Path serverData = Files.createDirectories(temp.resolve("server"));
        Files.createDirectories(serverData.resolve("db"));
        Files.copy(vigil.vulndb.store.AdvisoryStore.fileIn(data), vigil.vulndb.store.AdvisoryStore.fileIn(serverData));
        try (vigil.server.VigilServer server = vigil.server.VigilServer.start(
                new vigil.server.VigilServer.Options(serverData, null, "127.0.0.1", 0), java.time.Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + server.port();
            Path report = temp.resolve("sent-report.json");
            ProcessBuilder cli = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "--enable-native-access=ALL-UNNAMED",
                            "-jar",
                            Path.of("target", "vigil-cli.jar").toString(),
                            "scan",
                            "image",
                            archive.toString(),
                            "--send-to",
                            url,
                            "--data-dir",
                            data.toString(),
                            "--offline",
                            "-q",
                            "--format",
                            "json",
                            "--output",
                            report.toString())
                    .redirectErrorStream(true);
            cli.environment().put("VIGIL_API_KEY", server.bootstrap().intakeKey());
            cli.environment().put("VIGIL_DEPLOYMENT", "linux");
            Process process = cli.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains("sent the inventory of debian:sent");
            assertThat(findings(JSON.readTree(Files.readString(report)))).isEqualTo(expectedFindings());

            Set<String> onServer = new TreeSet<>();
            server.database()
                    .jdbi()
                    .useHandle(h -> h.createQuery(
                                    "SELECT d.package_name, f.rule_id FROM findings f JOIN vulnerability_details d"
                                            + " ON d.org_id = f.org_id AND d.finding_id = f.id"
                                            + " JOIN inventories i ON i.org_id = f.org_id AND i.resource_id = f.resource_id"
                                            + " WHERE i.resource_type = 'container_image' AND f.status = 'open'")
                            .map((rs, ctx) -> rs.getString(1) + " " + rs.getString(2))
                            .forEach(onServer::add));
            Set<String> expected = new TreeSet<>();
            for (String finding : expectedFindings()) {
                String[] fields = finding.split(" ");
                expected.add(fields[0] + " " + fields[1]);
            }
            assertThat(onServer).isEqualTo(expected);

            // the web UI lists it under Vulnerabilities by image, not by host
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            vigil.server.VigilServer.Bootstrap first = server.bootstrap();
            String token = JSON.readTree(http.send(
                                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/login"))
                                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\""
                                                    + first.email() + "\",\"password\":\"" + first.password()
                                                    + "\"}"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("token")
                    .asString();
            java.util.function.Function<String, String> page = by -> {
                try {
                    return http.send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(url + "/vulnerabilities?by=" + by))
                                            .header("Cookie", "vigil_session=" + token)
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(page.apply("image")).contains("<th>Image</th>").contains("debian:sent");
            assertThat(page.apply("host")).contains("<th>Host</th>").doesNotContain("debian:sent");
            // a CVE's row links to exactly the findings it counts (open and muted, as the row's count)
            assertThat(page.apply("cve")).contains("/findings?status=open,muted&amp;rule=CVE-2099-0002");

            // a server away: the report stands, the exit code says the inventory was not sent
            List<String> away = new ArrayList<>(cli.command());
            away.set(away.indexOf(url), "http://127.0.0.1:9");
            Files.delete(report);
            ProcessBuilder unreachable = new ProcessBuilder(away).redirectErrorStream(true);
            unreachable.environment().putAll(cli.environment());
            Process failed = unreachable.start();
            String failure = new String(failed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(failed.waitFor()).as(failure).isEqualTo(ExitCodes.ERROR);
            assertThat(failure).contains("the inventory was not sent to http://127.0.0.1:9: cannot reach it");
            assertThat(findings(JSON.readTree(Files.readString(report)))).isEqualTo(expectedFindings());

            // without a key it says what to do, and sends nothing
            ProcessBuilder keyless = new ProcessBuilder(cli.command()).redirectErrorStream(true);
            keyless.environment().remove("VIGIL_API_KEY");
            Process refused = keyless.start();
            String message = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(refused.waitFor()).isEqualTo(ExitCodes.USAGE);
            assertThat(message).contains("--send-to needs an intake API key in the environment variable VIGIL_API_KEY");
        }
    }

    @Test
    void cycloneDxRoundTripAndFormats() throws Exception {
        Path bom = temp.resolve("bom.cdx.json");
        assertThat(Main.run("sbom", "rootfs", root.toString(), "--output", bom.toString(), "-q"))
                .isZero();
        assertThat(new JsonParser().validate(bom.toFile(), Version.VERSION_16))
                .as("CycloneDX 1.6 schema")
                .isEmpty();
        assertThat(findings(scanJson("scan", "--sbom", bom.toString()))).isEqualTo(expectedFindings());

        Path vex = temp.resolve("vulns.cdx.json");
        assertThat(Main.run(
                        "scan",
                        "rootfs",
                        root.toString(),
                        "--format",
                        "cyclonedx",
                        "--output",
                        vex.toString(),
                        "--data-dir",
                        data.toString(),
                        "--offline",
                        "-q"))
                .isZero();
        assertThat(new JsonParser().validate(vex.toFile(), Version.VERSION_16)).isEmpty();
        JsonNode vexTree = JSON.readTree(Files.readString(vex));
        assertThat(vexTree.path("vulnerabilities")).hasSize(expectedFindings().size());
        // an SBOM format still reads dpkg's file lists (table, json and sarif reports skip them)
        List<Integer> fileCounts = new ArrayList<>();
        for (JsonNode component : vexTree.path("components")) {
            for (JsonNode property : component.path("properties")) {
                if (property.path("name").asString().endsWith(":package:files")) {
                    fileCounts.add(Integer.parseInt(property.path("value").asString()));
                }
            }
        }
        assertThat(fileCounts).isNotEmpty().anyMatch(count -> count > 0);

        Path sarif = temp.resolve("report.sarif");
        assertThat(Main.run(
                        "scan",
                        "rootfs",
                        root.toString(),
                        "--format",
                        "sarif",
                        "--output",
                        sarif.toString(),
                        "--data-dir",
                        data.toString(),
                        "--offline",
                        "-q"))
                .isZero();
        JsonNode run = JSON.readTree(Files.readString(sarif)).path("runs").get(0);
        assertThat(run.path("results")).hasSize(expectedFindings().size());
        assertThat(run.path("tool").path("driver").path("rules")).hasSize(2);

        Path spdx = temp.resolve("bom.spdx.json");
        assertThat(Main.run("sbom", "rootfs", root.toString(), "--format", "spdx", "--output", spdx.toString(), "-q"))
                .isZero();
        JsonNode document = JSON.readTree(Files.readString(spdx));
        assertThat(document.path("spdxVersion").asString()).isEqualTo("SPDX-2.3");
        assertThat(document.path("packages")).hasSize(SOURCES.size() + 2);
    }

    private static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
