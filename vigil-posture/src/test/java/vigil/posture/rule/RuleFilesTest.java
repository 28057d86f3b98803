package vigil.posture.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.model.Severity;
import vigil.posture.engine.PostureEngine;
import vigil.posture.model.Unknown;

class RuleFilesTest {
    private static RuleFiles.Read read(String text) {
        return new RuleFiles()
                .text("rules.yaml", text.getBytes(StandardCharsets.UTF_8))
                .read();
    }

    @Test
    void readsEveryPartOfARule() {
        RuleFiles.Read read = read("""
                rules:
                  - id: vigil-test-sshd-root
                    title: SSH root login is disabled
                    severity: high
                    resource_types: [linux_sshd_config]
                    rationale: Root logs in with a shared password.
                    remediation:
                      text: Set PermitRootLogin no.
                      shell: sed -i 's/^PermitRootLogin.*/PermitRootLogin no/' /etc/ssh/sshd_config
                    references: [xccdf_org.ssgproject.content_rule_sshd_disable_root_login]
                    frameworks:
                      cis-debian-12: ["5.1.20"]
                      nist-800-53: AC-6
                    applies: has(resource.permitrootlogin)
                    check: |
                      resource.permitrootlogin == "no"
                    expected: PermitRootLogin no
                    examples:
                      pass:
                        - {permitrootlogin: "no", port: 22}
                      fail:
                        - permitrootlogin: "yes"
                          port: 0o22
                          ratio: 1.5
                          on: true
                          nothing: null
                      unknown:
                        - {permitrootlogin: !unknown ""}
                      skipped:
                        - {_related: {keys: [{bits: 4096}]}}
                """);
        assertThat(read.problems()).isEmpty();
        Rule rule = read.rules().getFirst();
        assertThat(rule.id()).isEqualTo("vigil-test-sshd-root");
        assertThat(rule.severity()).isEqualTo(Severity.HIGH);
        assertThat(rule.resourceTypes()).containsExactly("linux_sshd_config");
        assertThat(rule.remediation().shell()).startsWith("sed -i");
        assertThat(rule.controls()).containsExactly("cis-debian-12:5.1.20", "nist-800-53:AC-6");
        assertThat(rule.check().start()).isEqualTo(new Position("rules.yaml", 16, 7));
        assertThat(rule.examples()).hasSize(4);
        Map<String, Object> fail = rule.examples().get(1).attributes();
        assertThat(fail.get("port")).isEqualTo(18L);
        assertThat(fail.get("ratio")).isEqualTo(1.5);
        assertThat(fail.get("on")).isEqualTo(true);
        assertThat(rule.examples().get(2).attributes().get("permitrootlogin")).isEqualTo(Unknown.VALUE);
        assertThat(rule.examples().get(3).related()).containsKey("keys");
        assertThat(rule.examples().get(3).position().line()).isEqualTo(30);
    }

    @Test
    void namesEachProblemWithItsLineAndColumn() {
        RuleFiles.Read read = read("""
                rules:
                  - id: a
                    title: t
                    severity: urgent
                    resource_types: [x]
                    check: "true"
                    chekc: "true"
                  - id: b
                    title: t
                    severity: low
                    resource_types: [x]
                """);
        assertThat(read.rules()).isEmpty();
        assertThat(read.problems())
                .extracting(Object::toString)
                .containsExactly(
                        "rules.yaml:7:12: unknown key 'chekc' (a rule has applies, check, examples, expected,"
                                + " frameworks, id, rationale, references, remediation, resource_names, resource_types,"
                                + " severity, title)",
                        "rules.yaml:4:15: severity 'urgent' is not one of info, low, medium, high, critical",
                        "rules.yaml:8:5: missing 'check' (a CEL expression)");
    }

    @Test
    void aSecondRuleWithAnIdAlreadyUsedNamesTheFirst() {
        String rule = """
                  - id: same
                    title: t
                    severity: low
                    resource_types: [x]
                    check: "true"
                """;
        RuleFiles.Read read = read("rules:\n" + rule + rule);
        assertThat(read.rules()).hasSize(1);
        assertThat(read.problems())
                .extracting(Object::toString)
                .containsExactly("rules.yaml:7:9: rule id 'same' is already used at rules.yaml:2:9");
    }

    @Test
    void notYamlAndNotRulesAreProblemsNotExceptions() {
        assertThat(read("rules: [\n").problems().getFirst().toString())
                .startsWith("rules.yaml:")
                .contains("not YAML");
        assertThat(read("- a\n").problems().getFirst().message())
                .isEqualTo("a rule file is a mapping with a 'rules' list");
        assertThat(read("").problems().getFirst().message()).startsWith("empty");
        assertThat(new RuleFiles()
                        .text("bad.yaml", new byte[] {(byte) 0xff, (byte) 0xfe})
                        .read()
                        .problems()
                        .getFirst()
                        .toString())
                .isEqualTo("bad.yaml:1:1: not UTF-8 text");
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                + "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        assertThat(read(bomb).problems().getFirst().message()).contains("not YAML");
    }

    @Test
    void aCelErrorPointsIntoTheFile() {
        RuleFiles.Read read = read("""
                rules:
                  - id: inline
                    title: t
                    severity: low
                    resource_types: [x]
                    check: resource.a == (1 +
                  - id: block
                    title: t
                    severity: low
                    resource_types: [x]
                    check: |
                      resource.a == 1 &&
                        resource.b + 1 == "x"
                  - id: not-a-bool
                    title: t
                    severity: low
                    resource_types: [x]
                    check: '"yes"'
                """);
        assertThat(read.problems()).isEmpty();
        List<RuleProblem> problems = PostureEngine.compile(read.rules()).problems();
        assertThat(problems)
                .extracting(Object::toString)
                .anySatisfy(text -> assertThat(text).startsWith("rules.yaml:6:30: rule inline: 'check': "));
        assertThat(problems)
                .extracting(Object::toString)
                .anySatisfy(text -> assertThat(text)
                        .startsWith("rules.yaml:13:24: rule block: 'check': found no matching overload for '_==_'"
                                + " applied to '(int, string)'"));
        assertThat(problems)
                .extracting(Object::toString)
                .contains("rules.yaml:18:13: rule not-a-bool: 'check' gives string, not a bool");
    }
}
