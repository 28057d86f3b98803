package vigil.server.findings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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
import vigil.model.ocsf.OcsfMapper;

/**
 * Streams an organization's findings as CSV, JSON or OCSF (an array of Vulnerability/Compliance/Detection Finding
 * events), one row at a time, so an export of a million findings needs no more memory than one of ten.
 */
public final class FindingExport {
    public enum Format {
        CSV("text/csv; charset=utf-8", "csv"),
        JSON("application/json", "json"),
        OCSF("application/json", "ocsf.json");

        private final String contentType;
        private final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> COLUMNS = List.of(
            "id",
            "category",
            "rule_id",
            "title",
            "severity",
            "status",
            "resource_type",
            "resource_id",
            "resource_name",
            "package_name",
            "package_version",
            "fixed_version",
            "fix_state",
            "first_seen",
            "last_seen",
            "resolved_at",
            "muted_reason",
            "muted_until");

    private final Jdbi jdbi;

    public FindingExport(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes every finding of {@code orgId} with {@code status} (all when null), most severe first. */
    public void write(String orgId, @Nullable String status, Format format, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        JsonGenerator json = JSON.createGenerator(writer); // unused for CSV
        if (format == Format.CSV) {
            writer.write(String.join(",", COLUMNS) + "\r\n");
        } else {
            json.writeStartArray();
        }
        // each finding's details by key (ADR 0033), as the findings stream in their order
        String sql = "SELECT f.id, f.category, f.rule_id, f.title, f.severity, f.status, f.resource_type,"
                + " f.resource_id, f.resource_name, d.package_name, d.package_version, d.fixed_version, d.fix_state,"
                + " f.first_seen, f.last_seen, f.resolved_at, f.muted_reason, f.muted_until, f.evidence, f.remediation"
                + " FROM findings f LEFT JOIN vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id"
                + " WHERE f.org_id = :org" + (status == null ? "" : " AND f.status = :status")
                + " ORDER BY f.severity_rank DESC, f.id";
        jdbi.useHandle(handle -> {
            if (!sqlite(handle)) {
                // PostgreSQL's driver reads a result through a cursor, a fetch size at a time, only inside a
                // transaction; outside one it holds every row before the first is written (2.1 GiB for a million)
                handle.begin();
            }
            var query = handle.createQuery(sql).bind("org", orgId).setFetchSize(1000);
            if (status != null) {
                query.bind("status", status);
            }
            try (var rows = query.map((rs, ctx) -> {
                        List<@Nullable String> values = new ArrayList<>();
                        for (int i = 1; i <= 20; i++) {
                            values.add(rs.getString(i));
                        }
                        return values;
                    })
                    .iterator()) {
                while (rows.hasNext()) {
                    List<@Nullable String> row = rows.next();
                    switch (format) {
                        case CSV -> writer.write(csvLine(row.subList(0, COLUMNS.size())));
                        case JSON -> {
                            json.writeStartObject();
                            for (int i = 0; i < COLUMNS.size(); i++) {
                                json.writeName(COLUMNS.get(i));
                                writeValue(json, COLUMNS.get(i), row.get(i));
                            }
                            json.writeName("evidence");
                            json.writeTree(JSON.readTree(String.valueOf(row.get(18))));
                            json.writeStringProperty("remediation", row.get(19));
                            json.writeEndObject();
                        }
                        case OCSF -> JSON.writeValue(json, OcsfMapper.toOcsf(finding(row)));
                    }
                }
            } finally {
                if (handle.isInTransaction()) {
                    handle.rollback(); // it only read: nothing to keep
                }
            }
        });
        if (format != Format.CSV) {
            json.writeEndArray();
            json.flush();
        }
        writer.flush();
    }

    private static boolean sqlite(org.jdbi.v3.core.Handle handle) {
        try {
            return handle.getConnection()
                    .getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(Locale.ROOT)
                    .contains("sqlite");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot tell the store's kind: " + e.getMessage(), e);
        }
    }

    private static void writeValue(JsonGenerator json, String column, @Nullable String value) {
        if (value == null) {
            json.writeNull();
        } else if (column.endsWith("_seen") || column.equals("resolved_at") || column.equals("muted_until")) {
            json.writeString(Instant.ofEpochMilli(Long.parseLong(value)).toString());
        } else {
            json.writeString(value);
        }
    }

    /**
     * One CSV line (RFC 4180). Cells that a spreadsheet would run as a formula get a leading apostrophe: a finding's
     * title comes from advisory text, which an attacker can influence.
     */
    static String csvLine(List<@Nullable String> values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String value = values.get(i);
            if (value == null) {
                continue;
            }
            if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
                value = "'" + value;
            }
            if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
                value = "\"" + value.replace("\"", "\"\"") + "\"";
            }
            line.append(value);
        }
        return line.append("\r\n").toString();
    }

    /** Rebuilds the model finding of a stored row, for the OCSF mapping. */
    static Finding finding(List<@Nullable String> row) {
        Instant firstSeen = Instant.ofEpochMilli(Long.parseLong(String.valueOf(row.get(13))));
        Instant lastSeen = Instant.ofEpochMilli(Long.parseLong(String.valueOf(row.get(14))));
        FindingStatus status = switch (String.valueOf(row.get(5))) {
            case "resolved" ->
                new FindingStatus.Resolved(
                        row.get(15) == null ? lastSeen : Instant.ofEpochMilli(Long.parseLong(row.get(15))));
            case "muted" ->
                new FindingStatus.Muted(
                        String.valueOf(row.get(16)),
                        row.get(17) == null ? null : Instant.ofEpochMilli(Long.parseLong(row.get(17))));
            default -> new FindingStatus.Open();
        };
        String resourceName = String.valueOf(row.get(8));
        return new Finding(
                String.valueOf(row.get(0)),
                Category.fromWireName(String.valueOf(row.get(1))),
                new RuleRef(
                        String.valueOf(row.get(2)),
                        String.valueOf(row.get(3)),
                        Severity.valueOf(String.valueOf(row.get(4))),
                        List.of()),
                new Resource(
                        String.valueOf(row.get(6)),
                        String.valueOf(row.get(7)),
                        resourceName,
                        null,
                        String.valueOf(row.get(6)).equals("host") ? resourceName : null,
                        null,
                        Map.of()),
                status,
                firstSeen,
                lastSeen,
                evidence(String.valueOf(row.get(18))),
                row.get(19));
    }

    /**
     * The stored evidence, read by the codec; a row it refuses (evidence stored incomplete by an older version or
     * by hand) is read leniently as before, so one odd row never breaks an export.
     */
    static Evidence evidence(String stored) {
        try {
            return EvidenceCodec.decode(stored);
        } catch (IllegalArgumentException e) {
            return lenientEvidence(JSON.readTree(stored));
        }
    }

    /** The reader used before the codec: absent fields read as empty, anything but a package as attributes. */
    static Evidence lenientEvidence(JsonNode node) {
        if (node.path("type").asString("").equals("vulnerable_package")) {
            List<String> aliases = new ArrayList<>();
            node.path("aliases").forEach(alias -> aliases.add(alias.asString()));
            List<CvssScore> cvss = new ArrayList<>();
            for (JsonNode score : node.path("cvss")) {
                cvss.add(new CvssScore(
                        score.path("version").asString(""),
                        score.path("vector").asString(""),
                        score.path("score").asDouble(),
                        score.path("source").asString("")));
            }
            return new Evidence.VulnerablePackage(
                    node.path("package").asString(""),
                    node.path("installedVersion").asString(""),
                    node.path("purl").asString(""),
                    node.path("fixedVersion").isNull()
                            ? null
                            : node.path("fixedVersion").asString(null),
                    FixState.valueOf(node.path("fixState").asString("UNKNOWN").toUpperCase(Locale.ROOT)),
                    aliases,
                    cvss,
                    node.path("severitySource").asString(""),
                    node.path("advisorySource").asString(""),
                    node.path("advisoryId").asString(""));
        }
        Map<String, String> values = new java.util.TreeMap<>();
        node.path("values")
                .properties()
                .forEach(e -> values.put(e.getKey(), e.getValue().asString("")));
        return new Evidence.Attributes(values);
    }
}
