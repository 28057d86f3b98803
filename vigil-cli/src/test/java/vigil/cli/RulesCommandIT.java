package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code vigil rules check|eval|test} as a user runs them: the built jar, real policy files, real exit codes. */
class RulesCommandIT {
    private static final Path DEFAULT_POLICY =
            Path.of(System.getProperty("vigil.fixtures", "../../shared/fixtures"), "secl", "default.policy");

    private static final String POLICY = """
            version: 1
            macros:
              - id: shells
                values: [bash, sh]
            rules:
              - id: shell_spawned
                expression: exec.file.name in shells
                actions:
                  - set:
                      name: spawned_shell
                      scope: process
                      value: true
                silent: true
              - id: shell_reads_shadow
                expression: open.file.path == "/etc/shadow" && ${process.spawned_shell}
                tests:
                  match:
                    - type: open
                      fields: {open.file.path: /etc/shadow, process.pid: 42}
                      after:
                        - type: exec
                          fields: {exec.file.name: bash, process.pid: 42}
                  no_match:
                    - type: open
                      fields: {open.file.path: /etc/shadow, process.pid: 42}
              - id: wrong_on_purpose
                expression: open.file.path == "/etc/passwd"
                tests:
                  match:
                    - type: open
                      fields: {open.file.path: /etc/hosts}
            """;

    private static final String BROKEN = """
            rules:
              - id: syntax
                expression: open.file.path == "/etc/shadow" &&
              - id: unknown_field
                expression: open.file.paht == "/etc/shadow"
              - id: mixed_types
                expression: open.file.path == "/etc/shadow" && exec.file.name == "sh"
              - id: syntax
                expression: open.flags > 0
              - id: dns_rule
                expression: dns.question.name == "example.com"
              - id: off
                expression: open.flags > 0
                disabled: true
            """;

    @TempDir
    Path temp;

    record Run(int exitCode, String out, String err) {}

    private static Run vigil(String... args) throws Exception {
        List<String> command = BuiltJar.command(args);
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(process.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultPolicyChecksCleanInJson() throws Exception {
        Run run = vigil("rules", "check", DEFAULT_POLICY.toString(), "--format", "json", "--os", "linux");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(run.out());
        assertThat(root.path("summary").path("error").asInt()).isZero();
        assertThat(root.path("summary").path("loaded").asInt()).isGreaterThan(200);
        assertThat(root.path("rules")).hasSize(319);
        JsonNode first = root.path("rules").get(0);
        assertThat(first.has("id") && first.has("source") && first.has("status") && first.has("reason"))
                .isTrue();
        assertThat(root.path("rules")
                        .valueStream()
                        .filter(rule -> rule.path("status").asString().equals("unsupported"))
                        .map(rule -> rule.path("reason").asString()))
                .allSatisfy(reason -> assertThat(reason).startsWith("event type "));
    }

    @Test
    void eachBrokenRuleIsNamedWithItsLineAndColumnAndTheExitCodeSaysSo() throws Exception {
        Path file = Files.writeString(temp.resolve("broken.policy"), BROKEN);
        Run run = vigil("rules", "check", file.toString(), "--os", "linux");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(run.out())
                .contains("error        syntax")
                .contains(file + ":3:51")
                .contains("the expression ends where a value is expected")
                .contains("unknown field, macro or constant 'open.file.paht'")
                .contains(file + ":5:17")
                .contains("exec.file.name is a field of exec events, but the expression is about open events")
                .contains("the rule syntax is defined again")
                .contains("unsupported  dns_rule")
                .contains("event type dns: needs network packet capture")
                .contains("disabled     off")
                .contains("0 loaded, 0 filtered, 1 disabled, 1 unsupported, 4 in error");
    }

    @Test
    void evalPrintsTheMatchesOfEachEventAndNamesBadLines() throws Exception {
        Path policy = Files.writeString(temp.resolve("test.policy"), POLICY);
        Path events = Files.writeString(temp.resolve("events.jsonl"), """
                {"type": "exec", "fields": {"exec.file.name": "bash", "process.pid": 42}}
                {"type": "open", "fields": {"open.file.path": "/etc/shadow", "process.pid": 42}}
                {"type": "open", "fields": {"open.file.path": 3}}
                """);
        Run run = vigil("rules", "eval", "--policy", policy.toString(), "--event", events.toString(), "-f", "json");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(run.err()).contains(events + " line 3: open.file.path takes a string, not 3");
        Run directory = vigil("rules", "eval", "--policy", policy.toString(), "--event", temp.toString());
        assertThat(directory.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(directory.err()).contains("cannot read events from " + temp).doesNotContain("Exception");
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode second = JsonMapper.builder().build().readTree(lines.get(1));
        assertThat(second.path("matches").get(0).path("rule").asString()).isEqualTo("shell_reads_shadow");
        assertThat(second.path("matches")
                        .get(0)
                        .path("values")
                        .path("open.file.path")
                        .asString())
                .isEqualTo("/etc/shadow");
    }

    @Test
    void falcoRulesFilesAreCheckedAndEvaluatedToo() throws Exception {
        Path stable = DEFAULT_POLICY.getParent().getParent().resolve("falco").resolve("falco_rules.yaml");
        Run check = vigil("rules", "check", stable.toString(), "--format", "json");
        assertThat(check.exitCode()).as(check.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(check.out());
        assertThat(root.path("summary").path("error").asInt()).isZero();
        assertThat(root.path("summary").path("loaded").asInt()).isEqualTo(25);
        assertThat(root.path("rules").valueStream().map(rule -> rule.path("id").asString()))
                .contains("Read sensitive file untrusted");

        Path rules = Files.writeString(temp.resolve("mine.yaml"), """
                - rule: Shadow read
                  desc: test
                  condition: evt.type in (open, openat) and fd.name = /etc/shadow
                  output: "%proc.name read %fd.name"
                  priority: WARNING
                - rule: Login name
                  desc: test
                  condition: evt.type = execve and user.loginname = root
                  output: x
                  priority: WARNING
                """);
        Run mine = vigil("rules", "check", rules.toString());
        assertThat(mine.out())
                .contains("user.loginname: the login user's name is not resolved")
                .doesNotContain("user.loginname: user.loginname");
        Path events = Files.writeString(temp.resolve("events.jsonl"), """
                {"type": "open", "fields": {"open.file.path": "/etc/shadow", "process.comm": "cat"}}
                {"type": "open", "fields": {"open.file.path": "/etc/hosts", "process.comm": "cat"}}
                """);
        Run eval = vigil("rules", "eval", "--policy", rules.toString(), "--event", events.toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.out())
                .contains("line 1 (open): 1 rules match")
                .contains("Shadow read")
                .contains("cat read /etc/shadow")
                .contains("line 2 (open): no rule matches");
    }

    @Test
    void testRunsTheExamplesAndFailsOnTheWrongOne() throws Exception {
        Path policy = Files.writeString(temp.resolve("test.policy"), POLICY);
        Run run = vigil("rules", "test", policy.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(run.out())
                .contains("ok    shell_reads_shadow match")
                .contains("ok    shell_reads_shadow no_match")
                .contains("FAIL  wrong_on_purpose match")
                .contains("the event did not match")
                .contains("2 passed, 1 failed");
    }
}
