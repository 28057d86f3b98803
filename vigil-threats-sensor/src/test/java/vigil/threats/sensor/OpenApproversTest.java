package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

class OpenApproversTest {
    private static RuleSet load(PolicyReader.Read read) {
        return new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.linux(6, 1),
                        SensorProfile.linuxTracepoints())
                .load(List.of(read));
    }

    private static RuleSet load(String policy) {
        return load(PolicyReader.read("p.policy", policy));
    }

    @Test
    void theBuiltInPolicysOpenRulesAreAboutPathsAlone() {
        assertThat(OpenApprovers.of(load(BuiltInPolicy.read())).orElseThrow())
                .contains(
                        "/etc/shadow",
                        "/etc/gshadow",
                        "/root/.ssh/",
                        "/home/",
                        "/etc/sudoers",
                        "/var/log/",
                        "/var/spool/cron/",
                        "/etc/crontab",
                        "/etc/cron.",
                        "/etc/passwd",
                        "/etc/group")
                .allSatisfy(prefix -> assertThat(prefix).startsWith("/"))
                .doesNotContain("/tmp/", "/usr/");
    }

    @Test
    void anOpenRuleNotAboutPathsAloneRecordsEveryOpen() {
        assertThat(OpenApprovers.of(load("""
                rules:
                  - id: by_path
                    expression: open.file.path == "/etc/shadow"
                  - id: by_name
                    expression: open.file.name == "id_rsa"
                """))).isEmpty();
        assertThat(OpenApprovers.of(load("""
                rules:
                  - id: by_flags
                    expression: open.flags & O_CREAT > 0
                """))).isEmpty();
        assertThat(OpenApprovers.of(load("""
                rules:
                  - id: anywhere
                    expression: open.file.path =~ "*/shadow"
                """))).isEmpty();
    }

    @Test
    void policiesWithoutOpenRulesLeaveOpensOut() {
        assertThat(OpenApprovers.of(load("""
                rules:
                  - id: curl
                    expression: exec.file.name == "curl"
                """)).orElseThrow()).isEmpty();
    }

    @Test
    void longPrefixesAreCutToWhatTheProgramCompares() {
        String deep = "/" + "d".repeat(200) + "/file";
        assertThat(OpenApprovers.of(load("rules:\n  - id: deep\n    expression: open.file.path == \"" + deep + "\"\n"))
                        .orElseThrow())
                .singleElement()
                .satisfies(prefix -> assertThat(deep).startsWith(prefix))
                .satisfies(prefix -> assertThat(prefix).hasSize(OpenApprovers.PREFIX_MAX));
    }
}
