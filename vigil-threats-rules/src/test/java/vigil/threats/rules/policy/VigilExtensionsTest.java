package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;

/** SECL rules read Vigil's extensions of the model as they read the reference's fields. */
class VigilExtensionsTest {
    private static final String POLICY = """
            version: 1
            rules:
              - id: symlink_over_etc
                expression: symlink.file.path == "/etc/x"
              - id: stdio_to_socket
                expression: dup.retval in [0, 1, 2] && dup.file.mode & S_IFMT == S_IFSOCK && dup.addr.family == AF_INET
              - id: privileged_debugfs
                expression: exec.file.name == "debugfs" && container.privileged
              - id: run_in_shm
                expression: exec.file.name == "x" && process.cwd =~ "/dev/shm*"
              - id: memfd_exec
                expression: exec.is_exe_from_memfd && process.parent.comm != "runc"
            """;

    private final FieldCatalog catalog = FieldCatalog.linux();
    private final EventJson json = new EventJson(catalog);

    private List<String> matches(RuleRunner runner, String line) throws Exception {
        return runner.evaluate(json.parse(line)).stream()
                .map(RuleRunner.Match::ruleId)
                .toList();
    }

    @Test
    void rulesOnTheExtensionsLoadAndMatch() throws Exception {
        // the engine's model, whatever a sensor gives (dup.retval is a result, which the tracepoint sensor has not)
        RuleSet set = new PolicyLoader(catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.everything())
                .load(List.of(PolicyReader.read("test.policy", POLICY)));
        assertThat(set.reports()).extracting(RuleReport::status).containsOnly(RuleStatus.LOADED);
        RuleRunner runner = new RuleRunner(set, catalog);
        assertThat(matches(runner, """
                        {"type": "symlink", "fields": {"symlink.file.path": "/etc/x", "symlink.target": "/tmp/y"}}""")).containsExactly("symlink_over_etc");
        assertThat(matches(runner, """
                        {"type": "symlink", "fields": {"symlink.file.path": "/etc/y", "symlink.target": "/etc/x"}}""")).isEmpty();
        assertThat(matches(runner, """
                        {"type": "dup", "fields": {"dup.retval": 1, "dup.file.mode": 49152, "dup.addr.family": 2}}""")).containsExactly("stdio_to_socket");
        assertThat(matches(runner, """
                        {"type": "dup", "fields": {"dup.retval": 1, "dup.file.mode": 4096}}""")).isEmpty();
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.file.name": "debugfs", "container.privileged": true}}""")).containsExactly("privileged_debugfs");
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.file.name": "debugfs", "container.privileged": false}}""")).isEmpty();
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.file.name": "x", "process.cwd": "/dev/shm"}}""")).containsExactly("run_in_shm");
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.file.name": "x", "process.cwd": "/tmp"}}""")).isEmpty();
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.is_exe_from_memfd": true, "process.parent.comm": "bash"}}""")).containsExactly("memfd_exec");
        assertThat(matches(runner, """
                        {"type": "exec", "fields": {"exec.is_exe_from_memfd": true, "process.parent.comm": "runc"}}""")).isEmpty();
    }
}
