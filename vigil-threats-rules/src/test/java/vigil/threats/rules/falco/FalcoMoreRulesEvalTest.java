package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;

/**
 * Witnesses of Falco's incubating and sandbox rules that load through Vigil's extensions of SECL's model (setns and
 * userfaultfd events, namespace pids, process groups, container.privileged): a matching and a non-matching event
 * each, loaded as Falco loads the three files.
 */
class FalcoMoreRulesEvalTest {
    static final EventJson JSON = new EventJson(FieldCatalog.linux());
    static Map<String, FalcoRule> rules = Map.of();

    @BeforeAll
    static void load() throws IOException {
        FalcoRulesLoader loader = new FalcoRulesLoader(FalcoFields.linux());
        for (String file : FalcoRulesFixturesTest.FILES) {
            loader.add(file, Files.readString(FalcoRulesFixturesTest.FALCO.resolve(file)));
        }
        // the sandbox's allowed_containers is a template that allows every container: a user's list instead
        loader.add("mine.yaml", """
                - macro: allowed_containers
                  condition: (container.image.repository in (nginx))
                """);
        Map<String, FalcoRule> byName = new HashMap<>();
        for (FalcoRule rule : loader.load().rules()) {
            byName.put(rule.name(), rule);
        }
        rules = byName;
    }

    static boolean matches(String rule, String event) throws Exception {
        FalcoRule loaded = rules.get(rule);
        assertTrue(loaded != null && loaded.loaded(), rule + " loads");
        return loaded.evaluator().matches(JSON.parse(event), Scope.EMPTY);
    }

    /** A container's first process (vpid 1), its image, privileged flag and permitted capabilities. */
    static String entrypoint(int vpid, String image, boolean privileged, long capPermitted) {
        return """
                {"type": "exec", "fields": {"process.comm": "entry", "process.vpid": %d, "process.pid": 4242,
                 "process.container.id": "4f2c9a1b7e3d0c5a", "container.tags": ["image_name:%s"],
                 "container.privileged": %s, "process.cap_permitted": %d}}""".formatted(vpid, image, privileged, capPermitted);
    }

    @Test
    void changeThreadNamespace() throws Exception {
        String rule = "Change thread namespace";
        String setns = """
                {"type": "setns", "fields": {"setns.fd": 3, "setns.nstype": 0, "setns.retval": 0,
                 "process.comm": "%s", "process.container.id": "%s"}}""";
        assertTrue(matches(rule, setns.formatted("implant", "4f2c9a1b7e3d0c5a")));
        assertTrue(matches(rule, setns.formatted("nsenter", "4f2c9a1b7e3d0c5a")), "nsenter in a container");
        assertFalse(matches(rule, setns.formatted("nsenter", "")), "nsenter on the host");
        assertFalse(matches(rule, setns.formatted("runc:[2:INIT]", "4f2c9a1b7e3d0c5a")));
    }

    @Test
    void launchPrivilegedContainer() throws Exception {
        String rule = "Launch Privileged Container";
        assertTrue(matches(rule, entrypoint(1, "nginx", true, 0)));
        assertFalse(matches(rule, entrypoint(7, "nginx", true, 0)), "not the container's first process");
        assertFalse(matches(rule, entrypoint(1, "nginx", false, 0)));
        assertFalse(matches(rule, entrypoint(1, "docker.io/calico/node", true, 0)), "a trusted image");
    }

    @Test
    void launchExcessivelyCapableContainer() throws Exception {
        String rule = "Launch Excessively Capable Container";
        assertTrue(matches(rule, entrypoint(1, "nginx", false, 1L << 21)), "CAP_SYS_ADMIN");
        assertFalse(matches(rule, entrypoint(1, "nginx", false, 1L << 10)), "CAP_NET_BIND_SERVICE");
        assertFalse(matches(rule, entrypoint(2, "nginx", false, 1L << 21)));
    }

    @Test
    void launchDisallowedContainer() throws Exception {
        String rule = "Launch Disallowed Container";
        assertTrue(matches(rule, entrypoint(1, "miner", false, 0)));
        assertFalse(matches(rule, entrypoint(1, "nginx", false, 0)));
    }

    @Test
    void mountLaunchedInPrivilegedContainer() throws Exception {
        String rule = "Mount Launched in Privileged Container";
        String mount = """
                {"type": "exec", "fields": {"process.comm": "mount", "process.args": "%s",
                 "process.container.id": "4f2c9a1b7e3d0c5a", "container.privileged": %s}}""";
        assertTrue(matches(rule, mount.formatted("/dev/sda1 /mnt", "true")));
        assertFalse(matches(rule, mount.formatted("/dev/sda1 /mnt", "false")));
        assertFalse(matches(rule, mount.formatted("", "true")), "listing the mounts");
    }

    @Test
    void unprivilegedDelegationOfPageFaults() throws Exception {
        String rule = "Unprivileged Delegation of Page Faults Handling to a Userspace Process";
        String userfaultfd = """
                {"type": "userfaultfd", "fields": {"userfaultfd.flags": 524288, "userfaultfd.retval": 5,
                 "process.comm": "exploit", "process.euid": %d}}""";
        assertTrue(matches(rule, userfaultfd.formatted(1000)));
        assertFalse(matches(rule, userfaultfd.formatted(0)), "root");
    }

    @Test
    void basicInteractiveReconnaissance() throws Exception {
        String rule = "Basic Interactive Reconnaissance";
        String whoami = """
                {"type": "exec", "fields": {"process.comm": "whoami", "process.tty_name": "%s", "process.vpid": 4242,
                 "process.vpgid": %d}}""";
        assertTrue(matches(rule, whoami.formatted("pts0", 4242)), "typed at a terminal: it leads its group");
        assertFalse(matches(rule, whoami.formatted("pts0", 4200)), "run by a script of the group 4200");
        assertFalse(matches(rule, whoami.formatted("", 4242)), "no terminal");
    }
}
