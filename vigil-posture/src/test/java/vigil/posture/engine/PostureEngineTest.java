package vigil.posture.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.posture.model.Resource;
import vigil.posture.model.ResourceSet;
import vigil.posture.model.Unknown;
import vigil.posture.rule.RuleFiles;

class PostureEngineTest {
    private static PostureEngine engine(String check) {
        return engine(check, null);
    }

    private static PostureEngine engine(String check, @org.jspecify.annotations.Nullable String applies) {
        String text = "rules:\n  - id: r\n    title: t\n    severity: low\n    resource_types: [thing]\n"
                + "    check: '" + check.replace("'", "''") + "'\n"
                + (applies == null ? "" : "    applies: '" + applies.replace("'", "''") + "'\n");
        RuleFiles.Read read = new RuleFiles()
                .text("r.yaml", text.getBytes(StandardCharsets.UTF_8))
                .read();
        assertThat(read.problems()).isEmpty();
        PostureEngine.Compilation compilation = PostureEngine.compile(read.rules());
        assertThat(compilation.problems()).isEmpty();
        return compilation.engine();
    }

    private static Result one(PostureEngine engine, Map<String, ?> attributes) {
        List<Result> results = engine.evaluate(ResourceSet.of(List.of(new Resource("thing", "t1", "t1", attributes))));
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    @Test
    void passAndFailCarryTheFieldsTheRuleRead() {
        PostureEngine engine = engine("resource.versioning.enabled == true && !resource.rules.exists(r, r.port == 22)");
        Result pass = one(engine, Map.of("versioning", Map.of("enabled", true), "rules", List.of(Map.of("port", 80))));
        assertThat(pass.status()).isEqualTo(Status.PASS);
        assertThat(pass.evidence())
                .extracting(Object::toString)
                .containsExactly("versioning.enabled -> true", "rules[].port -> 80");
        Result fail = one(
                engine,
                Map.of(
                        "versioning",
                        Map.of("enabled", true),
                        "rules",
                        List.of(Map.of("port", 443), Map.of("port", 22))));
        assertThat(fail.status()).isEqualTo(Status.FAIL);
        assertThat(fail.actual()).isEqualTo("versioning.enabled -> true, rules[].port -> 443 | 22");
        Result shortCircuit = one(engine, Map.of("versioning", Map.of("enabled", false)));
        assertThat(shortCircuit.status()).isEqualTo(Status.FAIL);
        assertThat(shortCircuit.actual()).isEqualTo("versioning.enabled -> false");
    }

    @Test
    void presenceTestsSayPresentOrAbsent() {
        PostureEngine engine = engine("has(resource.logging) && resource.logging[\"bucket\"] != \"\"");
        assertThat(one(engine, Map.of()).actual()).isEqualTo("logging -> absent");
        assertThat(one(engine, Map.of("logging", Map.of("bucket", "logs"))).actual())
                .isEqualTo("logging -> present, logging.bucket -> \"logs\"");
    }

    @Test
    void membershipTestsSayPresentOrAbsent() {
        PostureEngine engine = engine("\"usb-storage\" in resource.disabled");
        assertThat(one(engine, Map.of("disabled", Map.of())).actual()).isEqualTo("disabled.usb-storage -> absent");
        Result pass = one(engine, Map.of("disabled", Map.of("usb-storage", "/etc/modprobe.d/x.conf:1")));
        assertThat(pass.status()).isEqualTo(Status.PASS);
        assertThat(pass.actual()).isEqualTo("disabled.usb-storage -> present");
    }

    @Test
    void appliesFalseSkips() {
        PostureEngine engine = engine("resource.tls == true", "resource.listener == \"https\"");
        assertThat(one(engine, Map.of("listener", "http")).status()).isEqualTo(Status.SKIPPED);
        assertThat(one(engine, Map.of("listener", "https", "tls", false)).status())
                .isEqualTo(Status.FAIL);
    }

    @Test
    void aValueKnownOnlyAfterApplyGivesUnknownUnlessTheRuleDecidesWithoutIt() {
        PostureEngine engine = engine("resource.public == false || resource.encrypted == true");
        Result unknown = one(engine, Map.of("public", Unknown.VALUE, "encrypted", false));
        assertThat(unknown.status()).isEqualTo(Status.UNKNOWN);
        assertThat(unknown.actual()).contains("public -> (known after apply)");
        assertThat(one(engine, Map.of("public", Unknown.VALUE, "encrypted", true))
                        .status())
                .isEqualTo(Status.PASS);
        PostureEngine loop = engine("resource.rules.all(r, r.port != 22)");
        assertThat(one(loop, Map.of("rules", List.of(Map.of("port", 80), Map.of("port", Unknown.VALUE))))
                        .status())
                .isEqualTo(Status.UNKNOWN);
        assertThat(one(loop, Map.of("rules", List.of(Map.of("port", 80)))).status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void aCheckThatCannotBeEvaluatedIsAnErrorNamingWhy() {
        Result missing = one(engine("resource.a == 1"), Map.of());
        assertThat(missing.status()).isEqualTo(Status.ERROR);
        assertThat(missing.detail()).contains("'a'");
        Result notBool = one(engine("resource.a"), Map.of("a", "yes"));
        assertThat(notBool.status()).isEqualTo(Status.ERROR);
        assertThat(notBool.detail()).isEqualTo("gave \"yes\", not true or false");
        assertThat(one(engine("resource.?a.orValue(1) == 1"), Map.of()).status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void rulesFollowRelations() {
        PostureEngine engine = engine("related.security_groups.all(g, !g.ingress.exists(i, is_open_cidr(i)))");
        ResourceSet set = new ResourceSet();
        set.add(new Resource("thing", "i-1", "i-1", Map.of()).relate("security_groups", "sg-1"));
        set.add(new Resource("sg", "sg-1", "sg-1", Map.of("ingress", List.of("10.0.0.0/8", "0.0.0.0/0"))));
        set.add(new Resource("thing", "i-2", "i-2", Map.of()).relate("security_groups", "sg-2"));
        set.add(new Resource("sg", "sg-2", "sg-2", Map.of("ingress", List.of("10.0.0.0/8"))));
        List<Result> results = engine.evaluate(set);
        assertThat(results)
                .extracting(r -> r.resource().id() + " " + r.status())
                .containsExactly("i-1 FAIL", "i-2 PASS");
        assertThat(results.getFirst().actual())
                .isEqualTo("related.security_groups[].ingress -> [\"10.0.0.0/8\", \"0.0.0.0/0\"]");
    }

    @Test
    void modeWithinReadsAnOctalMask() throws Exception {
        assertThat(PostureFunctions.modeWithin(0600L, "644")).isTrue();
        assertThat(PostureFunctions.modeWithin(0644L, "644")).isTrue();
        assertThat(PostureFunctions.modeWithin(0664L, "644")).isFalse();
        assertThat(PostureFunctions.modeWithin(04755L, "755")).isFalse();
        Result bad = one(engine("mode_within(resource.mode, \"9\")"), Map.of("mode", 0600));
        assertThat(bad.status()).isEqualTo(Status.ERROR);
        assertThat(bad.detail()).contains("not an octal mode");
    }

    @Test
    void manyThreadsGiveTheSameResultsAsOne() throws Exception {
        PostureEngine engine = engine("resource.n % 3 != 0");
        List<Resource> resources = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            resources.add(new Resource("thing", "t" + i, "t" + i, Map.of("n", i)));
        }
        ResourceSet set = ResourceSet.of(resources);
        java.util.Map<String, Status> one = new java.util.TreeMap<>();
        engine.evaluate(set).forEach(result -> one.put(result.resource().id(), result.status()));
        java.util.Map<String, Status> many = new java.util.concurrent.ConcurrentSkipListMap<>();
        engine.evaluate(set, 4, result -> many.put(result.resource().id(), result.status()));
        assertThat(many).hasSize(5_000).isEqualTo(one);
        assertThat(one.values().stream().filter(status -> status == Status.FAIL))
                .hasSize(1_667);
    }

    @Test
    void onlyTheNamedTypesAreEvaluated() {
        PostureEngine engine = engine("true");
        assertThat(engine.evaluate(ResourceSet.of(List.of(new Resource("other", "o", "o", Map.of())))))
                .isEmpty();
    }

    @Test
    void examplesRunAsTests() {
        String text = """
                rules:
                  - id: r
                    title: t
                    severity: low
                    resource_types: [thing]
                    applies: has(resource.port)
                    check: resource.port != 22
                    examples:
                      pass: [{port: 80}]
                      fail: [{port: 22}, {port: 80}]
                      unknown: [{port: !unknown ""}]
                      skipped: [{}]
                """;
        var read = new RuleFiles()
                .text("r.yaml", text.getBytes(StandardCharsets.UTF_8))
                .read();
        List<RuleExamples.Outcome> outcomes =
                RuleExamples.run(PostureEngine.compile(read.rules()).engine());
        assertThat(outcomes).extracting(RuleExamples.Outcome::passed).containsExactly(true, true, false, true, true);
        assertThat(outcomes.get(2).position().toString()).isEqualTo("r.yaml:10:26");
        assertThat(outcomes.get(2).status()).isEqualTo(Status.PASS);
    }
}
