package vigil.model.ocsf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.CvssScore;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.EvidenceCodec;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;

/**
 * Maps a {@link Finding} to an OCSF 1.3 event (Vulnerability Finding 2002, Compliance Finding 2003, Detection
 * Finding 2004) as plain maps and lists ready for any JSON writer, and back. Where each evidence field goes is listed
 * in ADR 0034. The mapping is lossless: what OCSF has
 * no attribute for travels in {@code unmapped}, so {@code fromOcsf(toOcsf(f))} equals {@code f}.
 */
public final class OcsfMapper {
    public static final String OCSF_VERSION = "1.3.0";
    public static final int CATEGORY_FINDINGS = 2;
    public static final int CLASS_VULNERABILITY_FINDING = 2002;
    public static final int CLASS_COMPLIANCE_FINDING = 2003;
    public static final int CLASS_DETECTION_FINDING = 2004;
    private static final int ACTIVITY_CREATE = 1;
    private static final int ACTIVITY_CLOSE = 3;

    private OcsfMapper() {}

    public static int classUid(Category category) {
        return switch (category) {
            case VULNERABILITY -> CLASS_VULNERABILITY_FINDING;
            case MISCONFIGURATION, IDENTITY_RISK -> CLASS_COMPLIANCE_FINDING;
            case THREAT -> CLASS_DETECTION_FINDING;
        };
    }

    /** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
    public static int severityId(Severity severity) {
        return switch (severity) {
            case UNKNOWN -> 0;
            case NEGLIGIBLE -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    /** OCSF status_id: 1 New, 3 Suppressed, 4 Resolved. */
    public static int statusId(FindingStatus status) {
        return switch (status) {
            case FindingStatus.Open open -> 1;
            case FindingStatus.Muted muted -> 3;
            case FindingStatus.Resolved resolved -> 4;
        };
    }

    /**
     * The class of a finding's event: by its evidence where the evidence is typed (ADR 0034), by its category for
     * {@link Evidence.Attributes}. OCSF 1.3 has no identity finding class: an identity risk is a failed
     * least-privilege check, a Compliance Finding.
     */
    public static int classUid(Finding finding) {
        return switch (finding.evidence()) {
            case Evidence.VulnerablePackage vulnerable -> CLASS_VULNERABILITY_FINDING;
            case Evidence.PostureResult posture -> CLASS_COMPLIANCE_FINDING;
            case Evidence.IdentityRisk identity -> CLASS_COMPLIANCE_FINDING;
            case Evidence.ThreatSignal signal -> CLASS_DETECTION_FINDING;
            case Evidence.Attributes attributes -> classUid(finding.category());
        };
    }

    public static Map<String, Object> toOcsf(Finding finding) {
        int classUid = classUid(finding);
        int activity = finding.status() instanceof FindingStatus.Resolved ? ACTIVITY_CLOSE : ACTIVITY_CREATE;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("category_uid", CATEGORY_FINDINGS);
        event.put("class_uid", classUid);
        event.put("activity_id", activity);
        event.put("type_uid", classUid * 100L + activity);
        event.put("severity_id", severityId(finding.rule().severity()));
        event.put("severity", finding.rule().severity().label());
        event.put("status_id", statusId(finding.status()));
        event.put("status", statusName(finding.status()));
        event.put("time", finding.lastSeen().toEpochMilli());
        event.put("metadata", metadata());
        event.put("finding_info", findingInfo(finding));
        event.put("resources", List.of(resource(finding.resource())));
        if (finding.remediation() != null) {
            event.put("remediation", Map.of("desc", finding.remediation()));
        }
        Map<String, Object> unmapped = new TreeMap<>();
        unmapped.put("vigil_category", finding.category().wireName());
        unmapped.put("vigil_severity", finding.rule().severity().name());
        unmapped.put("first_seen", finding.firstSeen().toString());
        unmapped.put("last_seen", finding.lastSeen().toString());
        switch (finding.status()) {
            case FindingStatus.Open open -> {}
            case FindingStatus.Resolved resolved ->
                unmapped.put("resolved_at", resolved.at().toString());
            case FindingStatus.Muted muted -> {
                event.put("status_detail", muted.reason());
                if (muted.expires() != null) {
                    unmapped.put("muted_until", muted.expires().toString());
                }
            }
        }
        switch (finding.evidence()) {
            case Evidence.VulnerablePackage vulnerable -> {
                event.put("vulnerabilities", List.of(vulnerability(finding, vulnerable)));
                unmapped.put("fix_state", vulnerable.fixState().name());
                unmapped.put("severity_source", vulnerable.severitySource());
                unmapped.put("advisory_source", vulnerable.advisorySource());
                unmapped.put("advisory_id", vulnerable.advisoryId());
            }
            case Evidence.Attributes attributes -> unmapped.put("evidence", new TreeMap<>(attributes.values()));
            case Evidence.PostureResult posture -> {
                unmapped.put("vigil_evidence_type", EvidenceCodec.typeName(Evidence.PostureResult.class));
                Map<String, Object> rest = new TreeMap<>();
                rest.put("expected", posture.expected());
                rest.put("actual", posture.actual());
                putIfPresent(rest, "remediation", posture.remediation());
                unmapped.put("evidence", rest);
            }
            case Evidence.IdentityRisk identity -> {
                unmapped.put("vigil_evidence_type", EvidenceCodec.typeName(Evidence.IdentityRisk.class));
                unmapped.put("evidence", identity(identity));
            }
            case Evidence.ThreatSignal signal -> {
                unmapped.put("vigil_evidence_type", EvidenceCodec.typeName(Evidence.ThreatSignal.class));
                event.put("evidences", List.of(ThreatOcsf.evidence(signal)));
                info(event).put("created_time", signal.at().toEpochMilli());
                info(event).put("created_time_dt", signal.at().toString());
                List<Map<String, Object>> attacks = ThreatOcsf.attacks(signal);
                if (!attacks.isEmpty()) {
                    info(event).put("attacks", attacks);
                }
                // OCSF's count and end time: the events a rate-limited signal stands for and the last of them
                event.put("count", signal.count());
                if (signal.lastTime() != null) {
                    event.put("end_time", signal.lastTime().toEpochMilli());
                }
                Map<String, Object> rest = new TreeMap<>();
                rest.put("rule_name", signal.ruleName());
                rest.put("event_type", signal.eventType());
                ThreatOcsf.unmapped(signal, rest);
                unmapped.put("evidence", rest);
            }
        }
        if (finding.category() != Category.VULNERABILITY) {
            Map<String, Object> compliance = new LinkedHashMap<>();
            compliance.put("control", finding.rule().id());
            compliance.put("standards", finding.rule().frameworks());
            compliance.put("status", statusName(finding.status()));
            if (finding.evidence() instanceof Evidence.PostureResult posture) {
                compliance.put("control", posture.checkId());
                compliance.put("requirements", posture.controls());
                compliance.put("control_parameters", keyValues(posture.examined()));
            }
            event.put("compliance", compliance);
        }
        event.put("unmapped", unmapped);
        return event;
    }

    private static Map<String, Object> identity(Evidence.IdentityRisk identity) {
        Map<String, Object> out = new TreeMap<>();
        out.put("principal", identity.principal());
        out.put("principal_type", identity.principalType());
        out.put("risk_kind", identity.kind().wireName());
        out.put("permissions", identity.permissions());
        out.put("path", identity.path());
        out.put("resource", identity.resource());
        return out;
    }

    /** A map as OCSF's Key:Value pair objects, in key order. */
    static List<Map<String, Object>> keyValues(Map<String, String> values) {
        return new TreeMap<>(values)
                .entrySet().stream()
                        .map(entry -> Map.<String, Object>of("name", entry.getKey(), "value", entry.getValue()))
                        .toList();
    }

    static Map<String, String> fromKeyValues(List<?> pairs) {
        Map<String, String> out = new TreeMap<>();
        for (Object pair : pairs) {
            out.put(string(cast(pair), "name"), string(cast(pair), "value"));
        }
        return out;
    }

    private static Map<String, Object> info(Map<String, Object> event) {
        return map(event, "finding_info");
    }

    private static String statusName(FindingStatus status) {
        return switch (status) {
            case FindingStatus.Open open -> "New";
            case FindingStatus.Muted muted -> "Suppressed";
            case FindingStatus.Resolved resolved -> "Resolved";
        };
    }

    private static Map<String, Object> metadata() {
        return Map.of("version", OCSF_VERSION, "product", Map.of("name", "Vigil", "vendor_name", "Vigil"));
    }

    private static Map<String, Object> findingInfo(Finding finding) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("uid", finding.id());
        info.put("title", finding.rule().title());
        info.put("types", List.of(finding.category().wireName()));
        info.put("first_seen_time", finding.firstSeen().toEpochMilli());
        info.put("last_seen_time", finding.lastSeen().toEpochMilli());
        info.put(
                "analytic",
                Map.of("uid", finding.rule().id(), "name", finding.rule().title(), "type_id", 1, "type", "Rule"));
        info.put(
                "related_analytics",
                finding.rule().frameworks().stream()
                        .map(framework -> Map.of("uid", framework, "type_id", 99, "type", "Framework"))
                        .toList());
        return info;
    }

    private static Map<String, Object> resource(Resource resource) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uid", resource.id());
        out.put("type", resource.type());
        out.put("name", resource.name());
        Map<String, Object> data = new TreeMap<>();
        putIfPresent(data, "account", resource.account());
        putIfPresent(data, "host", resource.host());
        putIfPresent(data, "image", resource.image());
        out.put("data", data);
        out.put(
                "tags",
                resource.tags().entrySet().stream()
                        .map(tag -> Map.of("name", tag.getKey(), "value", tag.getValue()))
                        .toList());
        return out;
    }

    private static Map<String, Object> vulnerability(Finding finding, Evidence.VulnerablePackage vulnerable) {
        Map<String, Object> cve = new LinkedHashMap<>();
        cve.put("uid", finding.rule().id());
        cve.put("cvss", vulnerable.cvss().stream().map(OcsfMapper::cvss).toList());
        Map<String, Object> affected = new LinkedHashMap<>();
        affected.put("name", vulnerable.packageName());
        affected.put("version", vulnerable.installedVersion());
        affected.put("purl", vulnerable.purl());
        if (vulnerable.fixedVersion() != null) {
            affected.put("fixed_in_version", vulnerable.fixedVersion());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cve", cve);
        out.put("title", finding.rule().title());
        out.put("severity", finding.rule().severity().label());
        out.put("affected_packages", List.of(affected));
        out.put("fix_available", vulnerable.fixState() == FixState.FIXED);
        out.put("related_vulnerabilities", vulnerable.aliases());
        out.put("vendor_name", vulnerable.advisorySource());
        return out;
    }

    private static Map<String, Object> cvss(CvssScore score) {
        return Map.of(
                "version", score.version(),
                "vector_string", score.vector(),
                "base_score", score.baseScore(),
                "source", score.source());
    }

    static void putIfPresent(Map<String, Object> map, String key, @Nullable String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Reads back an event written by {@link #toOcsf}; throws IllegalArgumentException naming a missing field. */
    public static Finding fromOcsf(Map<String, Object> event) {
        Map<String, Object> unmapped = map(event, "unmapped");
        Map<String, Object> info = map(event, "finding_info");
        Category category = Category.fromWireName(string(unmapped, "vigil_category"));
        Severity severity = Severity.valueOf(string(unmapped, "vigil_severity"));
        List<String> frameworks = new ArrayList<>();
        for (Object related : list(info, "related_analytics")) {
            frameworks.add(string(cast(related), "uid"));
        }
        RuleRef rule = new RuleRef(string(map(info, "analytic"), "uid"), string(info, "title"), severity, frameworks);
        Map<String, Object> resourceMap = cast(list(event, "resources").getFirst());
        Map<String, Object> data = map(resourceMap, "data");
        Map<String, String> tags = new TreeMap<>();
        for (Object tag : list(resourceMap, "tags")) {
            tags.put(string(cast(tag), "name"), string(cast(tag), "value"));
        }
        Resource resource = new Resource(
                string(resourceMap, "type"),
                string(resourceMap, "uid"),
                string(resourceMap, "name"),
                optional(data, "account"),
                optional(data, "host"),
                optional(data, "image"),
                tags);
        FindingStatus status = switch (((Number) require(event, "status_id")).intValue()) {
            case 1 -> new FindingStatus.Open();
            case 3 ->
                new FindingStatus.Muted(
                        string(event, "status_detail"), instantOrNull(optional(unmapped, "muted_until")));
            case 4 -> new FindingStatus.Resolved(Instant.parse(string(unmapped, "resolved_at")));
            default -> throw new IllegalArgumentException("unsupported status_id " + event.get("status_id"));
        };
        Evidence evidence;
        String evidenceType = optional(unmapped, "vigil_evidence_type");
        if (evidenceType != null) {
            evidence = typedEvidence(evidenceType, event, unmapped);
        } else if (event.containsKey("vulnerabilities")) {
            Map<String, Object> vulnerability =
                    cast(list(event, "vulnerabilities").getFirst());
            Map<String, Object> affected =
                    cast(list(vulnerability, "affected_packages").getFirst());
            List<CvssScore> cvss = new ArrayList<>();
            for (Object score : list(map(vulnerability, "cve"), "cvss")) {
                Map<String, Object> scoreMap = cast(score);
                cvss.add(new CvssScore(
                        string(scoreMap, "version"),
                        string(scoreMap, "vector_string"),
                        ((Number) require(scoreMap, "base_score")).doubleValue(),
                        string(scoreMap, "source")));
            }
            List<String> aliases = new ArrayList<>();
            for (Object alias : list(vulnerability, "related_vulnerabilities")) {
                aliases.add((String) alias);
            }
            evidence = new Evidence.VulnerablePackage(
                    string(affected, "name"),
                    string(affected, "version"),
                    string(affected, "purl"),
                    optional(affected, "fixed_in_version"),
                    FixState.valueOf(string(unmapped, "fix_state")),
                    aliases,
                    cvss,
                    string(unmapped, "severity_source"),
                    string(unmapped, "advisory_source"),
                    string(unmapped, "advisory_id"));
        } else {
            Map<String, String> values = new TreeMap<>();
            Object raw = unmapped.get("evidence");
            if (raw != null) {
                cast(raw).forEach((key, value) -> values.put(key, String.valueOf(value)));
            }
            evidence = new Evidence.Attributes(values);
        }
        Object remediation = event.get("remediation");
        return new Finding(
                string(info, "uid"),
                category,
                rule,
                resource,
                status,
                Instant.parse(string(unmapped, "first_seen")),
                Instant.parse(string(unmapped, "last_seen")),
                evidence,
                remediation == null ? null : string(cast(remediation), "desc"));
    }

    private static Evidence typedEvidence(String type, Map<String, Object> event, Map<String, Object> unmapped) {
        Map<String, Object> rest = map(unmapped, "evidence");
        if (type.equals(EvidenceCodec.typeName(Evidence.PostureResult.class))) {
            Map<String, Object> compliance = map(event, "compliance");
            return new Evidence.PostureResult(
                    string(compliance, "control"),
                    strings(compliance, "requirements"),
                    fromKeyValues(list(compliance, "control_parameters")),
                    string(rest, "expected"),
                    string(rest, "actual"),
                    optional(rest, "remediation"));
        } else if (type.equals(EvidenceCodec.typeName(Evidence.IdentityRisk.class))) {
            return new Evidence.IdentityRisk(
                    string(rest, "principal"),
                    string(rest, "principal_type"),
                    Evidence.IdentityRisk.RiskKind.valueOf(
                            string(rest, "risk_kind").toUpperCase(java.util.Locale.ROOT)),
                    strings(rest, "permissions"),
                    strings(rest, "path"),
                    string(rest, "resource"));
        } else if (type.equals(EvidenceCodec.typeName(Evidence.ThreatSignal.class))) {
            return ThreatOcsf.signal(
                    string(rest, "rule_name"),
                    string(rest, "event_type"),
                    Instant.parse(string(map(event, "finding_info"), "created_time_dt")),
                    cast(list(event, "evidences").getFirst()),
                    event,
                    rest);
        }
        throw new IllegalArgumentException("OCSF event has unknown vigil_evidence_type '" + type + "'");
    }

    static List<String> strings(Map<String, Object> map, String key) {
        List<String> out = new ArrayList<>();
        for (Object value : list(map, key)) {
            out.add(String.valueOf(value));
        }
        return out;
    }

    private static @Nullable Instant instantOrNull(@Nullable String text) {
        return text == null ? null : Instant.parse(text);
    }

    static Object require(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("OCSF event lacks '" + key + "'");
        }
        return value;
    }

    static String string(Map<String, Object> map, String key) {
        return String.valueOf(require(map, key));
    }

    static @Nullable String optional(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? null : String.valueOf(value);
    }

    static Map<String, Object> map(Map<String, Object> map, String key) {
        return cast(require(map, key));
    }

    static List<?> list(Map<String, Object> map, String key) {
        Object value = require(map, key);
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("OCSF attribute '" + key + "' is not a list");
        }
        return list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected an OCSF object, found " + value);
        }
        return (Map<String, Object>) value;
    }
}
