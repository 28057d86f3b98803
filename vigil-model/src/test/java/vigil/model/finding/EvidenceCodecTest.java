package vigil.model.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vigil.model.ocsf.OcsfMapper;

/** Hostile, unknown and later-version input: the codec reads what it can and names the field it cannot. */
class EvidenceCodecTest {
    private static final String HOSTILE_CHARS =
            "\"\\/\u0000\u0001\u001f\n\r\t\u2028\u2029\u00e9\u65e5\ud83d\ude00{}[]:,' <>&";

    @Test
    void everyTypeWithHostileTextRoundTripsThroughTheCodecAndOcsf() {
        Random random = new Random(34);
        for (int round = 0; round < 200; round++) {
            for (Class<?> type : Evidence.class.getPermittedSubclasses()) {
                Evidence evidence = EvidenceExamples.full(type, hostile(random));
                String json = EvidenceCodec.encode(evidence);
                assertThat(EvidenceCodec.decode(json)).as(json).isEqualTo(evidence);
                Finding finding = EvidenceRoundTripTest.finding(evidence);
                assertThat(OcsfMapper.fromOcsf(OcsfMapper.toOcsf(finding))).isEqualTo(finding);
            }
        }
    }

    @Test
    void mutatedEvidenceDecodesOrFailsWithAnIllegalArgument() {
        Random random = new Random(34);
        List<String> replacements = List.of("null", "1", "-1", "1e999", "\"\"", "{}", "[]", "[null]", "true", "\"x\"");
        for (Class<?> type : Evidence.class.getPermittedSubclasses()) {
            String json = EvidenceCodec.encode(EvidenceExamples.full(type, EvidenceRoundTripTest.words()));
            for (int i = 0; i < 2_000; i++) {
                String mutated = mutate(json, random, replacements);
                try {
                    EvidenceCodec.decode(mutated);
                } catch (IllegalArgumentException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException other) {
                    throw new AssertionError("decoding " + mutated + " threw " + other, other);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\":\"posture_result\",\"controls\":[],\"examined\":{},\"expected\":\"a\",\"actual\":\"b\"}"
                        + "|field 'checkId' must be a string, found nothing",
                "{\"type\":\"posture_result\",\"checkId\":7,\"controls\":[],\"examined\":{},\"expected\":\"a\","
                        + "\"actual\":\"b\"}|field 'checkId' must be a string, found 7",
                "{\"type\":\"identity_risk\",\"principal\":\"p\",\"principalType\":\"role\",\"kind\":\"evil\","
                        + "\"permissions\":[],\"path\":[],\"resource\":\"*\"}|field 'kind' must be one of",
                "{\"type\":\"identity_risk\",\"principal\":\"p\",\"principalType\":\"role\",\"kind\":\"admin_access\","
                        + "\"permissions\":[\"a\",null],\"path\":[],\"resource\":\"*\"}"
                        + "|field 'permissions[1]' must be a string, found null",
                "{\"type\":\"threat_signal\",\"ruleName\":\"r\",\"eventType\":\"open\",\"at\":\"yesterday\"}"
                        + "|field 'at' must be an ISO-8601 instant",
                "{\"type\":\"threat_signal\",\"ruleName\":\"r\",\"eventType\":\"open\",\"at\":\"2026-01-01T00:00:00Z\","
                        + "\"process\":{\"pid\":1.5},\"workload\":{\"host\":\"h\"},\"fields\":{}}"
                        + "|field 'process.pid' must be a whole number",
                "{\"type\":\"threat_signal\",\"ruleName\":\"r\",\"eventType\":\"open\",\"at\":\"2026-01-01T00:00:00Z\","
                        + "\"connection\":{\"protocol\":\"tcp\",\"sourceAddress\":\"a\",\"sourcePort\":70000},"
                        + "\"workload\":{\"host\":\"h\"},\"fields\":{}}"
                        + "|field 'connection.sourcePort' must be a whole number from 0 to 65535, found 70000",
                "{\"type\":\"vulnerable_package\",\"package\":\"p\",\"installedVersion\":\"1\",\"purl\":\"x\","
                        + "\"fixState\":\"FIXED\",\"aliases\":[],\"cvss\":[{\"version\":\"3.1\"}]}"
                        + "|field 'cvss[0].vector' must be a string, found nothing",
                "{\"type\":\"attributes\",\"values\":{\"a\":{}}}|field 'values.a' must be a string, found an object",
                "{\"type\":\"martian\"}|unknown type 'martian'",
                "{\"values\":{}}|field 'type' must be a string, found nothing",
                "[1,2]|must be an object with a 'type'",
                "\"text\"|must be an object with a 'type'",
                "{\"type\":\"attributes\",\"values\":{}} {}|content after its object",
                "{\"type\":\"attributes\",\"type\":\"attributes\",\"values\":{}}|not valid JSON",
                "{\"type\":\"attributes\",\"values\":{}|not valid JSON",
                "{\"type\":\"attributes\",\"v\":2,\"values\":{}}|schema version 2; this Vigil reads up to 1",
                "{\"type\":\"attributes\",\"v\":\"one\",\"values\":{}}|field 'v' must be a whole number",
            })
    void hostileInputNamesTheField(String json, String message) {
        assertThatThrownBy(() -> EvidenceCodec.decode(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void emptyDeepAndHugeInputAreRefusedPlainly() {
        assertThatThrownBy(() -> EvidenceCodec.decode(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        String deep = "{\"type\":\"attributes\",\"values\":{},\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThatThrownBy(() -> EvidenceCodec.decode(deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nests deeper than");
        String huge = "{\"type\":\"attributes\",\"values\":{\"a\":\"" + "x".repeat(EvidenceCodec.MAX_LENGTH) + "\"}}";
        assertThatThrownBy(() -> EvidenceCodec.decode(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + EvidenceCodec.MAX_LENGTH);
    }

    @Test
    void fieldsOfALaterVersionAreIgnoredAndVersionOneReads() {
        Evidence expected = EvidenceExamples.sparse(Evidence.PostureResult.class);
        String later = EvidenceCodec.encode(expected)
                .replace(
                        "{\"type\":\"posture_result\",",
                        "{\"type\":\"posture_result\",\"v\":1,\"severityScore\":"
                                + "{\"nested\":[1,2,{\"x\":null}]},\"tags\":[\"a\"],");
        assertThat(EvidenceCodec.decode(later)).isEqualTo(expected);
    }

    @Test
    void vulnerablePackageEvidenceIsStoredAsBeforeWithoutAVersion() {
        String json = EvidenceCodec.encode(EvidenceExamples.sparse(Evidence.VulnerablePackage.class));
        assertThat(json)
                .isEqualTo("{\"type\":\"vulnerable_package\",\"package\":\"openssl\",\"installedVersion\":\"3.0.11\","
                        + "\"purl\":\"pkg:deb/debian/openssl@3.0.11\",\"fixedVersion\":null,\"fixState\":\"NOT_FIXED\","
                        + "\"aliases\":[],\"cvss\":[],\"severitySource\":\"none\",\"advisorySource\":\"osv\","
                        + "\"advisoryId\":\"CVE-2023-5363\"}");
        // absent optional fields read as absent, whether null or missing
        assertThat(EvidenceCodec.decode(json.replace("\"fixedVersion\":null,", "")))
                .isEqualTo(EvidenceExamples.sparse(Evidence.VulnerablePackage.class));
    }

    @Test
    void everyTypeHasADistinctName() {
        assertThat(Arrays.stream(Evidence.class.getPermittedSubclasses())
                        .map(type -> EvidenceCodec.typeName(type.asSubclass(Evidence.class)))
                        .distinct())
                .hasSize(Evidence.class.getPermittedSubclasses().length);
    }

    /** Evidence stored before ADR 0046 reads as one event without lineage or actions, and is written back the same. */
    @Test
    void threatSignalsStoredBeforeTheirLineageReadBackUnchanged() {
        String stored = "{\"type\":\"threat_signal\",\"ruleName\":\"r\",\"eventType\":\"open\","
                + "\"at\":\"2026-01-01T00:00:00Z\",\"process\":{\"pid\":1,\"name\":\"cat\",\"executable\":"
                + "\"/usr/bin/cat\",\"commandLine\":\"cat\",\"user\":null,\"parentName\":null},\"file\":null,"
                + "\"connection\":null,\"workload\":{\"host\":\"h\",\"containerId\":null,\"image\":null},"
                + "\"fields\":{}}";
        Evidence.ThreatSignal read = (Evidence.ThreatSignal) EvidenceCodec.decode(stored);
        assertThat(read.count()).isEqualTo(1);
        assertThat(read.ancestors()).isEmpty();
        assertThat(read.actions()).isEmpty();
        assertThat(read.lastTime()).isNull();
        assertThat(read.signalId()).isNull();
        assertThat(read.workload().containerRuntime()).isNull();
        assertThat(read.process()).isNotNull();
        assertThat(read.process().ppid()).isNull();
        assertThat(EvidenceCodec.encode(read)).isEqualTo(stored);
        assertThatThrownBy(() -> EvidenceCodec.decode(stored.replace("\"fields\":{}", "\"fields\":{},\"count\":0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'count'");
    }

    @Test
    void signalFieldsAreBounded() {
        Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i <= Evidence.ThreatSignal.MAX_FIELDS; i++) {
            many.put("k" + i, "v");
        }
        Evidence.ThreatSignal sparse = (Evidence.ThreatSignal) EvidenceExamples.sparse(Evidence.ThreatSignal.class);
        assertThatThrownBy(() -> new Evidence.ThreatSignal(
                        sparse.ruleName(), sparse.eventType(), sparse.at(), null, null, null, sparse.workload(), many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + Evidence.ThreatSignal.MAX_FIELDS);
    }

    private static Supplier<String> hostile(Random random) {
        return () -> {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 128 : 12);
            for (int i = 0; i < length; i++) {
                text.append(
                        random.nextBoolean()
                                ? HOSTILE_CHARS.charAt(random.nextInt(HOSTILE_CHARS.length()))
                                : (char) (0x20 + random.nextInt(0x5f)));
            }
            return text.toString();
        };
    }

    private static String mutate(String json, Random random, List<String> replacements) {
        int at = random.nextInt(json.length());
        return switch (random.nextInt(4)) {
            case 0 -> json.substring(0, at); // truncated
            case 1 -> json.substring(0, at) + json.substring(Math.min(json.length(), at + 1 + random.nextInt(8)));
            case 2 -> {
                // a value replaced by another JSON value of any shape
                int colon = json.indexOf(':', at);
                if (colon < 0) {
                    yield json;
                }
                int end = colon + 1;
                int depth = 0;
                boolean inString = false;
                while (end < json.length()) {
                    char c = json.charAt(end);
                    if (inString) {
                        if (c == '\\') {
                            end++;
                        } else if (c == '"') {
                            inString = false;
                        }
                    } else if (c == '"') {
                        inString = true;
                    } else if (c == '{' || c == '[') {
                        depth++;
                    } else if ((c == '}' || c == ']') && depth-- == 0 || c == ',' && depth == 0) {
                        break;
                    }
                    end++;
                }
                yield json.substring(0, colon + 1)
                        + replacements.get(random.nextInt(replacements.size()))
                        + json.substring(end);
            }
            default -> json.substring(0, at) + "\u0000\"{[".charAt(random.nextInt(4)) + json.substring(at);
        };
    }
}
