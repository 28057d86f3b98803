package vigil.model.finding;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import vigil.model.CvssScore;
import vigil.model.FixState;

/**
 * One populated instance of every evidence type, with each text from a supplier (distinct words for the mapping's
 * "every field appears" check, hostile strings for the property tests). A new evidence type needs an entry here, or
 * {@code EvidenceRoundTripTest} fails.
 */
final class EvidenceExamples {
    private EvidenceExamples() {}

    /** Every optional field present. */
    static Evidence full(Class<?> type, Supplier<String> text) {
        if (type == Evidence.VulnerablePackage.class) {
            return new Evidence.VulnerablePackage(
                    text.get(),
                    text.get(),
                    text.get(),
                    text.get(),
                    FixState.FIXED,
                    List.of(text.get(), text.get()),
                    List.of(new CvssScore(text.get(), text.get(), 9.8, text.get())),
                    text.get(),
                    text.get(),
                    text.get());
        } else if (type == Evidence.PostureResult.class) {
            return new Evidence.PostureResult(
                    text.get(),
                    List.of(text.get(), text.get()),
                    Map.of(text.get(), text.get(), text.get(), text.get()),
                    text.get(),
                    text.get(),
                    text.get());
        } else if (type == Evidence.ThreatSignal.class) {
            return new Evidence.ThreatSignal(
                    text.get(),
                    text.get(),
                    Instant.parse("2026-12-06T23:41:07.123456789Z"),
                    new Evidence.ThreatSignal.Process(
                            4242,
                            text.get(),
                            text.get(),
                            text.get(),
                            text.get(),
                            text.get(),
                            4200L,
                            1001L,
                            1002L,
                            text.get()),
                    new Evidence.ThreatSignal.FileAccess(text.get(), text.get()),
                    new Evidence.ThreatSignal.Connection(text.get(), text.get(), 51234, text.get(), 443),
                    new Evidence.ThreatSignal.Workload(text.get(), text.get(), text.get(), text.get()),
                    Map.of(text.get(), text.get()),
                    List.of(
                            new Evidence.ThreatSignal.Process(
                                    4200,
                                    text.get(),
                                    text.get(),
                                    text.get(),
                                    text.get(),
                                    text.get(),
                                    4100L,
                                    1003L,
                                    1004L,
                                    text.get()),
                            new Evidence.ThreatSignal.Process(4100, text.get(), text.get(), text.get(), null, null)),
                    7,
                    Instant.parse("2026-12-06T23:41:09.000000001Z"),
                    List.of(
                            new Evidence.ThreatSignal.Action(text.get(), text.get(), text.get()),
                            new Evidence.ThreatSignal.Action(text.get(), text.get(), null)),
                    text.get(),
                    text.get(),
                    text.get());
        } else if (type == Evidence.IdentityRisk.class) {
            return new Evidence.IdentityRisk(
                    text.get(),
                    text.get(),
                    Evidence.IdentityRisk.RiskKind.PRIVILEGE_ESCALATION,
                    List.of(text.get(), text.get()),
                    List.of(text.get()),
                    text.get());
        } else if (type == Evidence.Attributes.class) {
            return new Evidence.Attributes(Map.of(text.get(), text.get(), text.get(), text.get()));
        }
        throw new AssertionError(type.getName() + " has no example in EvidenceExamples: add one, so that it is"
                + " held to the codec and the OCSF round trip");
    }

    /** Every optional field absent, every list and map empty. */
    static Evidence sparse(Class<?> type) {
        if (type == Evidence.VulnerablePackage.class) {
            return new Evidence.VulnerablePackage(
                    "openssl",
                    "3.0.11",
                    "pkg:deb/debian/openssl@3.0.11",
                    null,
                    FixState.NOT_FIXED,
                    List.of(),
                    List.of(),
                    "none",
                    "osv",
                    "CVE-2023-5363");
        } else if (type == Evidence.PostureResult.class) {
            return new Evidence.PostureResult("AVD-AWS-0086", List.of(), Map.of(), "true", "false", null);
        } else if (type == Evidence.ThreatSignal.class) {
            return new Evidence.ThreatSignal(
                    "Terminal shell in container",
                    "execve",
                    Instant.parse("2026-12-06T23:41:07Z"),
                    null,
                    null,
                    null,
                    new Evidence.ThreatSignal.Workload("web-1", null, null),
                    Map.of());
        } else if (type == Evidence.IdentityRisk.class) {
            return new Evidence.IdentityRisk(
                    "arn:aws:iam::123456789012:role/ci",
                    "role",
                    Evidence.IdentityRisk.RiskKind.ADMIN_ACCESS,
                    List.of(),
                    List.of(),
                    "*");
        } else if (type == Evidence.Attributes.class) {
            return new Evidence.Attributes(Map.of());
        }
        throw new AssertionError(type.getName() + " has no sparse example in EvidenceExamples");
    }

    static Category category(Evidence evidence) {
        return switch (evidence) {
            case Evidence.VulnerablePackage vulnerable -> Category.VULNERABILITY;
            case Evidence.PostureResult posture -> Category.MISCONFIGURATION;
            case Evidence.ThreatSignal signal -> Category.THREAT;
            case Evidence.IdentityRisk identity -> Category.IDENTITY_RISK;
            case Evidence.Attributes attributes -> Category.MISCONFIGURATION;
        };
    }
}
