package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;

/**
 * Datadog's default Workload Protection policy ({@code ../shared/fixtures/secl/default.policy}, 319 rules): on a
 * Linux host every rule loads, is filtered out (Windows rules, older agents) or is reported unsupported with what is
 * missing; none is in error.
 */
public class DefaultPolicyTest {
    static final Path POLICY =
            Path.of(System.getProperty("vigil.fixtures", "../../shared/fixtures"), "secl", "default.policy");

    public static RuleSet load(SensorProfile sensor) throws IOException {
        PolicyReader.Read read = PolicyReader.read("default.policy", Files.readString(POLICY));
        return new PolicyLoader(FieldCatalog.linux(), Constants.linux(), Environment.linux(6, 18), sensor)
                .load(List.of(read));
    }

    @Test
    void everyLinuxRuleLoadsOrSaysWhatIsMissing() throws IOException {
        RuleSet set = load(SensorProfile.linuxTracepoints());
        Map<String, Long> byStatus = new TreeMap<>();
        set.reports().forEach(report -> byStatus.merge(report.status().word(), 1L, Long::sum));
        System.out.println("default.policy: " + byStatus);
        set.reports().stream()
                .filter(report -> report.status() == RuleStatus.ERROR || report.status() == RuleStatus.UNSUPPORTED)
                .forEach(report -> System.out.println("  " + report.status().word() + " " + report.id() + " "
                        + report.source() + ": " + report.reason()));
        assertThat(set.reports().stream().filter(report -> report.status() == RuleStatus.ERROR))
                .isEmpty();
        assertThat(set.reports()).hasSize(319);
        assertThat(set.count(RuleStatus.LOADED)).isGreaterThan(150);
    }
}
