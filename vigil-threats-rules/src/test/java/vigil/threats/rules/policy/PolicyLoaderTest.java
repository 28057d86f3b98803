package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;

class PolicyLoaderTest {
    private static RuleSet load(String policy) {
        return new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.linux(6, 18),
                        SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("p.policy", policy)));
    }

    /** An error inside a macro names the rule that uses it and where, in the file, the macro goes wrong. */
    @Test
    void anErrorInAMacroNamesTheMacrosLineAndColumn() {
        RuleSet set = load("""
                version: 1
                macros:
                  - id: outer
                    expression: |-
                      exec.file.name == "a" &&
                        inner
                  - id: inner
                    expression: |-
                      exec.file.path == "/bin/sh" ||
                      exec.file.nme == "x"
                rules:
                  - id: uses_bad
                    expression: exec.comm == "sh" && outer
                """);
        RuleReport report = set.reports().stream()
                .filter(r -> r.id().equals("uses_bad"))
                .findFirst()
                .orElseThrow();
        assertThat(report.status()).isEqualTo(RuleStatus.ERROR);
        assertThat(report.reason())
                .contains("in macro outer (p.policy:6:9)")
                .contains("in macro inner (p.policy:10:7)")
                .contains("unknown field, macro or constant 'exec.file.nme'");
    }

    /** A call's result is not given by the tracepoint sensor: a rule on it is unsupported, and says why. */
    @Test
    void aRuleOnACallsResultIsUnsupportedOnTheTracepointSensor() {
        RuleSet set = load("""
                rules:
                  - id: failed_chmod
                    expression: chmod.file.path == "/etc/shadow" && chmod.retval == -1
                  - id: chmod
                    expression: chmod.file.path == "/etc/shadow"
                """);
        assertThat(set.rules()).extracting(RuleSet.Loaded::id).containsExactly("chmod");
        RuleReport report = set.reports().stream()
                .filter(r -> r.id().equals("failed_chmod"))
                .findFirst()
                .orElseThrow();
        assertThat(report.status()).isEqualTo(RuleStatus.UNSUPPORTED);
        assertThat(report.reason())
                .startsWith("field chmod.retval: the tracepoint sensor records system calls as they");
        // a check that ignores the sensor loads it
        RuleSet everything = new PolicyLoader(
                        FieldCatalog.linux(), Constants.linux(), Environment.linux(6, 18), SensorProfile.everything())
                .load(List.of(
                        PolicyReader.read("p.policy", "rules:\n  - id: r\n    expression: chmod.retval == -1\n")));
        assertThat(everything.rules()).hasSize(1);
    }

    /**
     * A rule reading a field the tracepoint sensor leaves empty loads (it reads the field as empty or 0), and the
     * report names the field and why; a process's own credentials, terminal, environment and file, a system call's
     * own credential fields and an open's mode are given.
     */
    @Test
    void aRuleOnAFieldTheSensorLeavesEmptyLoadsWithTheFieldNamed() {
        RuleSet set = load("""
                rules:
                  - id: preload
                    expression: exec.envs in ["LD_PRELOAD"] && process.tty_name != "" && process.file.mode & S_ISUID > 0
                  - id: setuid_root
                    expression: setuid.euid == 0
                  - id: created_executable
                    expression: open.file.mode & S_IXUSR > 0
                  - id: made_executable
                    expression: chmod.file.mode & S_IXUSR == 0 && chmod.file.destination.mode & S_IXUSR > 0
                  - id: login_shell_ancestor
                    expression: exec.file.name == "sh" && process.ancestors.tty_name != ""
                  - id: traced_root
                    expression: ptrace.tracee.euid == 0 && ptrace.tracee.file.uid == 0
                """);
        assertThat(set.reports()).extracting(RuleReport::status).containsOnly(RuleStatus.LOADED);
        assertThat(set.reports().getFirst().reason()).isEmpty();
        assertThat(set.reports().get(1).reason()).isEmpty();
        assertThat(set.reports().get(2).reason()).isEmpty();
        assertThat(set.reports().get(3).reason())
                .isEqualTo("reads fields the sensor leaves empty, so they read as empty or 0: chmod.file.mode (a file"
                        + " a system call names is not stat'ed: calls are recorded as they are made)");
        assertThat(set.reports().get(4).reason())
                .isEqualTo(
                        "reads fields the sensor leaves empty, so they read as empty or 0: process.ancestors.tty_name"
                                + " (given for the process and its parent, not for ancestors further up)");
        assertThat(set.reports().get(5).reason())
                .isEqualTo("reads fields the sensor leaves empty, so they read as empty or 0: ptrace.tracee.file.uid (a"
                        + " target process carries its ids, credentials and capabilities only)");
    }

    /** An expression that YAML reads as a tag ("!=..." starts one) is a problem named with its file, not a crash. */
    @Test
    void aValueYamlTakesForABadTagIsAProblemOfTheFile() {
        PolicyReader.Read read =
                PolicyReader.read("tag.policy", "rules:\n  - id: a\n    expression: !=on.lepfie.eslepf%e");
        assertThat(read.rules()).isEmpty();
        assertThat(read.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.source()).contains("tag.policy");
            assertThat(problem.reason()).startsWith("not a YAML policy: ").contains("Tag");
        });
    }
}
