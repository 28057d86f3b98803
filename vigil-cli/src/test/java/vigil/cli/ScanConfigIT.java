package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil scan config host} as people and CI run it (ADR 0054): a root with a weak and a strong configuration,
 * the table, JSON and SARIF reports, {@code --fail-on} as an exit code, custom rules from {@code --rules}, and a
 * broken custom rule refused with its file, line and column.
 */
class ScanConfigIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    private record Run(int exit, String out, String err) {}

    private Run vigil(String... args) throws Exception {
        List<String> command = new ArrayList<>(BuiltJar.command(args));
        Path out = temp.resolve("out.txt");
        Path err = temp.resolve("err.txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        process.getOutputStream().close();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path root(String sshd, String shadowMode) throws Exception {
        Path root = temp.resolve("root-" + shadowMode);
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.writeString(root.resolve("usr/sbin/sshd"), "");
        Files.writeString(root.resolve("etc/ssh/sshd_config"), sshd);
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Path shadow = Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString(shadowMode));
        Files.writeString(root.resolve("etc/login.defs"), "PASS_MAX_DAYS 90\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 7\n");
        Files.writeString(root.resolve("etc/hostname"), "web-1\n");
        return root;
    }

    @Test
    void reportsInEveryFormatAndGatesOnSeverity() throws Exception {
        Path weak = root("PermitRootLogin yes\n", "rw-r--r--");
        Run table = vigil("scan", "config", "host", "--root", weak.toString());
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out())
                .contains("host web-1")
                .contains("vigil-linux-sshd-permitrootlogin")
                .contains("found: settings.permitrootlogin -> \"yes\"")
                .contains("expected: PermitRootLogin no")
                .contains("vigil-linux-file-etc-shadow-permissions")
                .containsPattern("\\d+ rules on \\d+ resources: \\d+ failed, \\d+ passed")
                .doesNotContain("vigil-linux-login-defs-pass-max-days"); // passes are listed with --all only
        assertThat(table.err()).doesNotContain("WARNING");

        Run json = vigil("scan", "config", "host", "--root", weak.toString(), "--format", "json", "--fail-on", "high");
        assertThat(json.exit()).as("a high failure with --fail-on high").isEqualTo(1);
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.path("summary").path("fail").asInt()).isPositive();
        JsonNode rootLogin = report.path("results")
                .valueStream()
                .filter(r -> r.path("rule_id").asString().equals("vigil-linux-sshd-permitrootlogin"))
                .findFirst()
                .orElseThrow();
        assertThat(rootLogin.path("status").asString()).isEqualTo("fail");
        assertThat(rootLogin.path("evidence").get(0).path("value").asString()).isEqualTo("\"yes\"");
        assertThat(rootLogin.path("remediation").path("text").asString()).contains("PermitRootLogin no");
        assertThat(rootLogin.path("controls").get(0).asString()).isEqualTo("cis-debian-11:5.1.20");
        // no /proc for a root on disk: kernel settings and mounts are not examined, never assumed
        assertThat(report.path("results")
                        .valueStream()
                        .map(r -> r.path("resource").path("type").asString()))
                .doesNotContain("linux_mounts");

        Run sarif = vigil("scan", "config", "host", "--root", weak.toString(), "--format", "sarif");
        JsonNode log = JSON.readTree(sarif.out());
        assertThat(log.path("version").asString()).isEqualTo("2.1.0");
        JsonNode run = log.path("runs").get(0);
        assertThat(run.path("results").size()).isPositive();
        assertThat(run.path("tool").path("driver").path("rules").size()).isPositive();
        assertThat(run.path("results")
                        .get(0)
                        .path("locations")
                        .get(0)
                        .path("logicalLocations")
                        .get(0)
                        .path("kind")
                        .asString())
                .startsWith("linux_");

        Path strong = root("PermitRootLogin no\n", "rw-r-----");
        Run gate = vigil("scan", "config", "host", "--root", strong.toString(), "--fail-on", "critical");
        assertThat(gate.exit()).as(gate.out()).isZero();
        assertThat(gate.out()).doesNotContain("vigil-linux-sshd-permitrootlogin ");
    }

    @Test
    void customRulesLoadBesideTheBuiltInOnesAndABrokenOneIsNamed() throws Exception {
        Path weak = root("PermitRootLogin yes\n", "rw-r--r--");
        Path rules = Files.createDirectories(temp.resolve("rules"));
        Files.writeString(rules.resolve("motd.yaml"), """
                rules:
                  - id: acme-motd-present
                    title: A message of the day is set
                    severity: low
                    resource_types: [linux_file]
                    resource_names: [/etc/motd]
                    check: resource.exists
                """, StandardCharsets.UTF_8);
        Run custom = vigil("scan", "config", "host", "--root", weak.toString(), "--rules", rules.toString());
        assertThat(custom.exit()).as(custom.err()).isZero();
        assertThat(custom.out()).contains("acme-motd-present");

        Files.writeString(rules.resolve("broken.yaml"), """
                rules:
                  - id: acme-broken
                    title: broken
                    severity: low
                    resource_types: [linux_file]
                    check: resource.exists &&
                """, StandardCharsets.UTF_8);
        Run broken = vigil("scan", "config", "host", "--root", weak.toString(), "--rules", rules.toString());
        assertThat(broken.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(broken.err()).contains(rules.resolve("broken.yaml") + ":6:30: rule acme-broken: 'check':");

        Run missing = vigil(
                "scan", "config", "host", "--root", temp.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("is not a directory");
    }
}
