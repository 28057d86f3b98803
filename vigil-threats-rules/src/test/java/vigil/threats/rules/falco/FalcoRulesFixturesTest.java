package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Falco's maintained rules ({@code ../shared/fixtures/falco}: stable, incubating, sandbox), loaded in that order as
 * Falco loads them (the later files use the stable file's macros and lists). Prints per file how many rules load,
 * are disabled, unsupported (by missing field or construct) or in error.
 */
class FalcoRulesFixturesTest {
    static final Path FALCO = Path.of(System.getProperty("vigil.shared", "../../shared"), "fixtures", "falco");
    static final List<String> FILES =
            List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml");

    static FalcoRulesLoader.Result loadAll() throws IOException {
        FalcoRulesLoader loader = new FalcoRulesLoader(FalcoFields.linux());
        for (String file : FILES) {
            loader.add(file, Files.readString(FALCO.resolve(file)));
        }
        return loader.load();
    }

    @Test
    void theMaintainedRulesLoad() throws IOException {
        FalcoRulesLoader.Result result = loadAll();
        assertEquals(List.of(), result.errors(), "errors outside rules");
        Map<String, Integer> stable = Map.of();
        long stableErrors = -1;
        Map<String, Long> loadedByFile = new TreeMap<>();
        Map<String, Map<String, Integer>> unsupportedByFile = new TreeMap<>();
        for (String file : FILES) {
            List<FalcoRule> rules = result.of(file);
            long loaded = rules.stream().filter(FalcoRule::loaded).count();
            long disabled = count(rules, FalcoRule.Status.Disabled.class);
            long errors = count(rules, FalcoRule.Status.InError.class);
            Map<String, Integer> unsupported = new TreeMap<>();
            for (FalcoRule rule : rules) {
                if (rule.status() instanceof FalcoRule.Status.Unsupported u) {
                    unsupported.merge(u.what(), 1, Integer::sum);
                }
                if (rule.status() instanceof FalcoRule.Status.InError e) {
                    System.out.println("  error " + rule.name() + " " + e.location() + ": " + e.reason());
                }
            }
            System.out.printf(
                    "%s: %d rules, %d loaded, %d disabled, %d unsupported %s, %d errors%n",
                    file,
                    rules.size(),
                    loaded,
                    disabled,
                    rules.size() - loaded - disabled - errors,
                    unsupported,
                    errors);
            loadedByFile.put(file, loaded);
            unsupportedByFile.put(file, unsupported);
            if (file.equals("falco_rules.yaml")) {
                stable = unsupported;
                stableErrors = errors;
            }
        }
        assertEquals(0, stableErrors, "errors in the stable rules");
        // all 25: five of them through Vigil's extensions of SECL's model (symlink and dup events, process.cwd,
        // container.privileged, process.is_exe_from_memfd; FalcoRulesEvalTest has their witnesses)
        assertEquals(25, loadedByFile.get("falco_rules.yaml"), "stable rules loaded");
        assertEquals(Map.of(), stable);
        // incubating: all 31; sandbox: 24 of the 25 enabled (FalcoMoreRulesEvalTest has the witnesses of those that
        // load through the extensions); the last one reads the container's mounts, which Vigil does not have
        assertEquals(31, loadedByFile.get("falco-incubating_rules.yaml"), "incubating rules loaded");
        assertEquals(24, loadedByFile.get("falco-sandbox_rules.yaml"), "sandbox rules loaded");
        assertEquals(Map.of("container.mount.dest", 1), unsupportedByFile.get("falco-sandbox_rules.yaml"));
    }

    private static long count(List<FalcoRule> rules, Class<?> status) {
        return rules.stream().filter(r -> status.isInstance(r.status())).count();
    }
}
