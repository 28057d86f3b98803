package vigil.model.finding;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vigil.model.Severity;
import vigil.model.ocsf.OcsfMapper;

/**
 * Every evidence type the sealed interface permits round-trips through {@link EvidenceCodec} and the OCSF mapping,
 * lands in its OCSF class, and has every one of its values somewhere in the OCSF event (ADR 0030 "Rules", ADR 0034).
 */
class EvidenceRoundTripTest {

    static Stream<Class<?>> permitted() {
        return Arrays.stream(Evidence.class.getPermittedSubclasses());
    }

    @ParameterizedTest
    @MethodSource("permitted")
    void roundTripsThroughTheCodec(Class<?> type) {
        for (Evidence evidence : List.of(EvidenceExamples.full(type, words()), EvidenceExamples.sparse(type))) {
            assertThat(evidence).isInstanceOf(type);
            String json = EvidenceCodec.encode(evidence);
            assertThat(json).contains("\"type\":\"" + EvidenceCodec.typeName(evidence.getClass()) + "\"");
            assertThat(EvidenceCodec.decode(json)).as(json).isEqualTo(evidence);
        }
    }

    @ParameterizedTest
    @MethodSource("permitted")
    void mapsToItsOcsfClassWithEveryValueAndBack(Class<?> type) {
        for (Evidence evidence : List.of(EvidenceExamples.full(type, words()), EvidenceExamples.sparse(type))) {
            Finding finding = finding(evidence);
            Map<String, Object> event = OcsfMapper.toOcsf(finding);
            assertThat(event).containsEntry("class_uid", expectedClass(evidence));
            Set<String> carried = new TreeSet<>();
            leaves(event, carried);
            Set<String> values = new TreeSet<>();
            leaves(evidence, values);
            assertThat(carried).as("values of %s in %s", evidence, event).containsAll(values);
            assertThat(OcsfMapper.fromOcsf(event)).isEqualTo(finding);
        }
    }

    private static int expectedClass(Evidence evidence) {
        return switch (evidence) {
            case Evidence.VulnerablePackage vulnerable -> 2002;
            case Evidence.PostureResult posture -> 2003;
            case Evidence.IdentityRisk identity -> 2003;
            case Evidence.ThreatSignal signal -> 2004;
            case Evidence.Attributes attributes -> OcsfMapper.classUid(EvidenceExamples.category(attributes));
        };
    }

    static Finding finding(Evidence evidence) {
        Instant seen = Instant.parse("2026-12-06T00:00:00Z");
        return new Finding(
                "f-1",
                EvidenceExamples.category(evidence),
                new RuleRef("rule-1", "A rule", Severity.HIGH, List.of("cis-aws-1.5:2.1.1")),
                new Resource("host", "host-1", "web-1", null, "web-1", null, Map.of()),
                new FindingStatus.Open(),
                seen,
                seen.plusSeconds(60),
                evidence,
                null);
    }

    /** Distinct words, so a value found in the event is that value and not another field's. */
    static Supplier<String> words() {
        AtomicInteger next = new AtomicInteger();
        return () -> "w" + next.incrementAndGet() + "x";
    }

    /** Every value as text: strings, numbers, instants and enums (lower case), map keys and values. */
    private static void leaves(Object value, Set<String> out) {
        switch (value) {
            case Map<?, ?> map ->
                map.forEach((key, inner) -> {
                    out.add(String.valueOf(key));
                    if (inner != null) {
                        leaves(inner, out);
                    }
                });
            case List<?> list -> list.forEach(inner -> leaves(inner, out));
            case Enum<?> constant -> out.add(constant.name().toLowerCase(Locale.ROOT));
            case Record record -> {
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    try {
                        Object inner = component.getAccessor().invoke(record);
                        if (inner != null) {
                            leaves(inner, out);
                        }
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            case String text -> {
                out.add(text);
                out.add(text.toLowerCase(Locale.ROOT));
            }
            default -> out.add(String.valueOf(value));
        }
    }
}
