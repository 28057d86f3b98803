package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

/** Rules files: exceptions, overrides, appends, enabling, and what is reported when something is wrong. */
class FalcoRulesLoaderTest {
    static final EventBuilder BUILDER = new EventBuilder(FieldCatalog.linux());

    static final String BASE = """
            - required_engine_version: 0.57.0
            - required_plugin_versions:
                - name: container
                  version: 0.4.0
            - list: shells
              items: [bash, sh]
            - macro: spawned_process
              condition: evt.type in (execve, execveat)
            - rule: Shell spawned
              desc: a shell
              condition: spawned_process and proc.name in (shells)
              output: shell %proc.name under %proc.pname (%proc.aname[2])
              priority: WARNING
              tags: [shell]
              exceptions:
                - name: by_parent
                  fields: [proc.pname, proc.exepath]
                  comps: [=, startswith]
                  values:
                    - [cron, /usr/bin]
                - name: by_name
                  fields: proc.pname
                  values: [make, "my tool"]
            """;

    static FalcoRulesLoader.Result load(String... files) {
        FalcoRulesLoader loader = new FalcoRulesLoader(FalcoFields.linux());
        for (int i = 0; i < files.length; i++) {
            loader.add("rules" + i + ".yaml", files[i]);
        }
        return loader.load();
    }

    static FalcoRule rule(FalcoRulesLoader.Result result, String name) {
        return result.rules().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static Event exec(String comm, String parent, String path) throws Exception {
        return BUILDER.build(
                "exec", Map.of("process.comm", comm, "process.parent.comm", parent, "process.file.path", path));
    }

    static boolean matches(FalcoRule rule, Event event) {
        return rule.evaluator().matches(event, Scope.EMPTY);
    }

    @Test
    void exceptionsBecomeAndNot() throws Exception {
        FalcoRulesLoader.Result result = load(BASE);
        FalcoRule rule = rule(result, "Shell spawned");
        assertTrue(rule.loaded(), rule.status().toString());
        assertEquals(Set.of("exec"), rule.eventTypes());
        assertEquals("WARNING", rule.priority());
        assertEquals(List.of("shell"), rule.tags());
        assertEquals(List.of("container 0.4.0: its fields come from Vigil's events (fields.tsv)"), result.plugins());
        assertEquals(List.of("rules0.yaml: 0.57.0"), result.engineVersions());
        assertTrue(matches(rule, exec("bash", "sshd", "/bin/bash")));
        assertFalse(matches(rule, exec("bash", "cron", "/usr/bin/bash")), "by_parent: both fields match");
        assertTrue(matches(rule, exec("bash", "cron", "/bin/bash")), "by_parent: one field only");
        assertFalse(matches(rule, exec("sh", "make", "/bin/sh")), "by_name");
        assertFalse(matches(rule, exec("sh", "my tool", "/bin/sh")), "a quoted value");
        assertFalse(matches(rule, exec("python", "sshd", "/usr/bin/python")));
    }

    @Test
    void overridesAppendAndReplace() throws Exception {
        String more = """
                - list: shells
                  items: [zsh]
                  override:
                    items: append
                - macro: spawned_process
                  condition: and proc.pname != init
                  override:
                    condition: append
                - rule: Shell spawned
                  condition: and not proc.pname = tmux
                  exceptions:
                    - name: by_name
                      values: [screen]
                  override:
                    condition: append
                    exceptions: append
                - rule: Shell spawned
                  priority: ERROR
                  override:
                    priority: replace
                """;
        FalcoRule rule = rule(load(BASE, more), "Shell spawned");
        assertTrue(rule.loaded(), rule.status().toString());
        assertEquals("ERROR", rule.priority());
        assertEquals("rules0.yaml", rule.file(), "an override does not move the rule");
        assertTrue(matches(rule, exec("zsh", "sshd", "/bin/zsh")), "the list grew");
        assertFalse(matches(rule, exec("bash", "init", "/bin/bash")), "the macro grew");
        assertFalse(matches(rule, exec("bash", "tmux", "/bin/bash")), "the rule's condition grew");
        assertFalse(matches(rule, exec("bash", "screen", "/bin/bash")), "the exception's values grew");
        assertFalse(matches(rule, exec("bash", "make", "/bin/bash")), "and kept its own");
    }

    @Test
    void legacyAppendAndReplacing() throws Exception {
        String more = """
                - list: shells
                  items: [ksh]
                  append: true
                - rule: Shell spawned
                  condition: and proc.pname != systemd
                  append: true
                - macro: spawned_process
                  condition: evt.type = execve and proc.name != bash
                """;
        FalcoRule rule = rule(load(BASE, more), "Shell spawned");
        assertTrue(matches(rule, exec("ksh", "sshd", "/bin/ksh")));
        assertFalse(matches(rule, exec("sh", "systemd", "/bin/sh")));
        assertFalse(matches(rule, exec("bash", "sshd", "/bin/bash")), "the macro was replaced");
    }

    @Test
    void enablingAndDisabling() {
        FalcoRulesLoader.Result off = load(BASE, "- rule: Shell spawned\n  enabled: false\n");
        assertInstanceOf(
                FalcoRule.Status.Disabled.class, rule(off, "Shell spawned").status());
        assertFalse(rule(off, "Shell spawned").evaluator().matches(new Event("exec", new Object[0]), Scope.EMPTY));
        FalcoRulesLoader.Result on = load(BASE, "- rule: Shell spawned\n  enabled: false\n", """
                - rule: Shell spawned
                  enabled: true
                  override:
                    enabled: replace
                """);
        assertTrue(rule(on, "Shell spawned").loaded());
    }

    @Test
    void unsupportedRulesNameWhatIsMissing() {
        FalcoRulesLoader.Result result = load(BASE + """
                - rule: Login name
                  condition: spawned_process and user.loginname = root
                  output: x
                  priority: INFO
                - rule: Pivot root
                  condition: evt.type in (pivot_root) and proc.name = x
                  output: x
                  priority: INFO
                - rule: Audit
                  condition: ka.verb = create
                  output: x
                  priority: INFO
                  source: k8s_audit
                - rule: Plugin field
                  condition: ct.name = ConsoleLogin
                  output: x
                  priority: INFO
                - rule: Counted
                  condition: spawned_process and evt.num > 1000
                  output: x
                  priority: INFO
                - rule: Never
                  condition: spawned_process and evt.num = 0
                  output: x
                  priority: INFO
                """);
        assertEquals(
                new FalcoRule.Status.Unsupported("user.loginname", "the login user's name is not resolved"),
                rule(result, "Login name").status());
        assertEquals(
                "evt.type=pivot_root",
                ((FalcoRule.Status.Unsupported) rule(result, "Pivot root").status()).what());
        assertEquals(
                "source k8s_audit",
                ((FalcoRule.Status.Unsupported) rule(result, "Audit").status()).what());
        assertEquals(
                "ct.name",
                ((FalcoRule.Status.Unsupported) rule(result, "Plugin field").status()).what());
        assertEquals(
                "evt.num",
                ((FalcoRule.Status.Unsupported) rule(result, "Counted").status()).what());
        assertEquals(
                "(never true)",
                ((FalcoRule.Status.Unsupported) rule(result, "Never").status()).what());
    }

    @Test
    void errorsSayFileLineAndColumn() {
        FalcoRulesLoader.Result result = load(BASE + """
                - rule: Bad syntax
                  condition: >
                    spawned_process and
                    proc.name in (bash
                  output: x
                  priority: INFO
                - rule: Bad macro
                  condition: spawned_process and no_such_macro
                  output: x
                  priority: INFO
                - rule: Bad number
                  condition: spawned_process and proc.pid = abc
                  output: x
                  priority: INFO
                - rule: Bad priority
                  condition: spawned_process
                  output: x
                  priority: LOUD
                """);
        FalcoRule.Status.InError syntax =
                (FalcoRule.Status.InError) rule(result, "Bad syntax").status();
        assertEquals("rules0.yaml:27:23", syntax.location(), syntax.reason());
        FalcoRule.Status.InError macro =
                (FalcoRule.Status.InError) rule(result, "Bad macro").status();
        assertEquals("rules0.yaml:31:34", macro.location());
        assertEquals("undefined macro 'no_such_macro'", macro.reason());
        FalcoRule.Status.InError number =
                (FalcoRule.Status.InError) rule(result, "Bad number").status();
        assertEquals("rules0.yaml:35:34", number.location());
        assertInstanceOf(
                FalcoRule.Status.InError.class, rule(result, "Bad priority").status());
        assertEquals(34, rule(result, "Bad number").line());
    }

    /** A condition YAML reads as a malformed tag ("!=..." starts one) is an error of its file, not a crash. */
    @Test
    void aMalformedTagIsAnErrorOfItsFile() {
        FalcoRulesLoader.Result result = load("- rule: r\n  condition: !=on.lepfie.eslepf%e");
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertTrue(
                result.errors().get(0).startsWith("rules0.yaml"),
                result.errors().get(0));
        assertTrue(result.errors().get(0).contains("not YAML"), result.errors().get(0));
    }

    @Test
    void fileErrorsOutsideRules() {
        FalcoRulesLoader.Result result = load(
                "- rule: [unclosed\n",
                "- nonsense: 1\n",
                "- rule: Missing\n  override:\n    condition: append\n  condition: and x\n");
        assertEquals(3, result.errors().size(), result.errors().toString());
        assertTrue(
                result.errors().get(0).startsWith("rules0.yaml:2:1: not YAML"),
                result.errors().get(0));
        assertTrue(
                result.errors().get(1).startsWith("rules1.yaml:1:3: unknown item"),
                result.errors().get(1));
        assertTrue(
                result.errors().get(2).contains("not defined"), result.errors().get(2));
    }
}
