package vigil.cli.output;

import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.PackageType;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;
import vigil.model.Severity;

/**
 * SARIF 2.1.0 for code-scanning dashboards: one rule per vulnerability, one result per vulnerable package, located
 * at the package database that lists it, with {@code security-severity} so GitHub ranks results.
 */
public final class SarifReport {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SarifReport() {}

    public static void write(ScanResult result, String toolVersion, Writer out) {
        JSON.writeValue(out, tree(result, toolVersion));
    }

    public static ObjectNode tree(ScanResult result, String toolVersion) {
        ObjectNode sarif = JSON.createObjectNode();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        ObjectNode run = sarif.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "Vigil");
        driver.put("version", toolVersion);
        driver.put("informationUri", "https://github.com/vigil-csm/vigil");
        ArrayNode rules = driver.putArray("rules");
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        ArrayNode results = run.putArray("results");
        for (PackageVulnerability match : result.vulnerabilities()) {
            String id = match.vulnerability().id();
            Integer index = ruleIndex.get(id);
            if (index == null) {
                index = ruleIndex.size();
                ruleIndex.put(id, index);
                ObjectNode rule = rules.addObject();
                rule.put("id", id);
                rule.put("name", "OsPackageVulnerability");
                String title = match.vulnerability().summary() == null
                        ? id
                        : match.vulnerability().summary();
                rule.putObject("shortDescription").put("text", title);
                rule.putObject("fullDescription").put("text", title);
                rule.putObject("defaultConfiguration").put("level", level(match.severity()));
                if (!match.vulnerability().references().isEmpty()) {
                    rule.put("helpUri", match.vulnerability().references().getFirst());
                }
                rule.putObject("help")
                        .put(
                                "text",
                                "Vulnerability " + id + "\nSeverity: "
                                        + match.severity().name() + " ("
                                        + match.vulnerability().severitySource() + ")\n" + title);
                ObjectNode properties = rule.putObject("properties");
                properties.put("security-severity", securitySeverity(match));
                properties
                        .putArray("tags")
                        .add("vulnerability")
                        .add("security")
                        .add(match.severity().name());
                properties.put("precision", "very-high");
            }
            ObjectNode entry = results.addObject();
            entry.put("ruleId", id);
            entry.put("ruleIndex", index);
            entry.put("level", level(match.severity()));
            entry.putObject("message")
                    .put(
                            "text",
                            "Package: " + match.pkg().name() + "\nInstalled Version: "
                                    + match.pkg().evr() + "\nVulnerability " + id + "\nSeverity: "
                                    + match.severity().name()
                                    + "\nFixed Version: "
                                    + (match.fixedVersion() == null ? fixState(match) : match.fixedVersion()));
            ObjectNode location = entry.putArray("locations").addObject();
            ObjectNode physical = location.putObject("physicalLocation");
            physical.putObject("artifactLocation")
                    .put("uri", database(match.pkg().type()))
                    .put("uriBaseId", "ROOTPATH");
            physical.putObject("region")
                    .put("startLine", 1)
                    .put("startColumn", 1)
                    .put("endLine", 1)
                    .put("endColumn", 1);
            location.putArray("logicalLocations")
                    .addObject()
                    .put("fullyQualifiedName", match.pkg().purl())
                    .put("kind", "package");
            entry.putObject("partialFingerprints")
                    .put("vigil/v1", id + ":" + match.pkg().purl());
        }
        run.putObject("originalUriBaseIds").putObject("ROOTPATH").put("uri", "file:///");
        ObjectNode properties = run.putObject("properties");
        properties.put("target", result.inventory().target().name());
        properties.put(
                "osSupport", result.inventory().osSupport().level().name().toLowerCase(Locale.ROOT));
        properties.put("osSupportReason", result.inventory().osSupport().reason());
        return sarif;
    }

    private static String fixState(PackageVulnerability match) {
        return TableReport.fix(match);
    }

    private static String database(PackageType type) {
        return switch (type) {
            case DEB -> "var/lib/dpkg/status";
            case APK -> "lib/apk/db/installed";
            case RPM -> "var/lib/rpm";
        };
    }

    static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, NEGLIGIBLE, UNKNOWN -> "note";
        };
    }

    /** GitHub's 0.0–10.0 ranking: the CVSS score where there is one, else a value in the severity's band. */
    static String securitySeverity(PackageVulnerability match) {
        double best = match.vulnerability().cvss().stream()
                .mapToDouble(score -> score.baseScore())
                .max()
                .orElse(-1);
        if (best >= 0 && Severity.fromCvssScore(best) == match.severity()) {
            return String.format(Locale.ROOT, "%.1f", best);
        }
        return switch (match.severity()) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "2.0";
            case NEGLIGIBLE, UNKNOWN -> "0.0";
        };
    }
}
