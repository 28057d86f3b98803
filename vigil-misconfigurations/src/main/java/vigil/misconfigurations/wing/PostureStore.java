package vigil.misconfigurations.wing;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.model.finding.Category;
import vigil.model.finding.Fingerprint;

/** The SQL of the wing's tables: verdicts per scope, scans, and what the API and pages read of them. */
public final class PostureStore {
    private final Jdbi jdbi;

    public PostureStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The stored id of a verdict: the rule and the resource, fingerprinted (a resource id may be long). */
    static String resultId(String ruleId, String resourceId) {
        return Fingerprint.of(Category.MISCONFIGURATION, ruleId, resourceId, "verdict");
    }

    /** Replaces a scope's verdicts with a scan's, and records the scan; in the batch's transaction. */
    static void replace(
            Handle handle,
            String orgId,
            String scopeKind,
            String scopeId,
            @Nullable String hostName,
            PostureReader.Read read,
            Map<String, String> findingIds,
            long now) {
        handle.createUpdate(
                        "DELETE FROM posture_results WHERE org_id = :org AND scope_kind = :kind AND scope_id = :scope")
                .bind("org", orgId)
                .bind("kind", scopeKind)
                .bind("scope", scopeId)
                .execute();
        var batch = handle.prepareBatch("INSERT INTO posture_results (org_id, scope_kind, scope_id, result_id, rule_id,"
                + " title, severity, severity_rank, status, resource_type, resource_id, resource_name, host_name,"
                + " controls, finding_id, evaluated_at) VALUES (:org, :kind, :scope, :result, :rule, :title,"
                + " :severity, :rank, :status, :type, :resource, :name, :host, :controls, :finding, :at)");
        int passed = 0;
        int failed = 0;
        int unknown = 0;
        int errors = 0;
        for (Verdict verdict : read.verdicts()) {
            switch (verdict.status()) {
                case "pass" -> passed++;
                case "fail" -> failed++;
                case "unknown" -> unknown++;
                default -> errors++;
            }
            String resultId = resultId(verdict.ruleId(), verdict.resourceId());
            batch.bind("org", orgId)
                    .bind("kind", scopeKind)
                    .bind("scope", scopeId)
                    .bind("result", resultId)
                    .bind("rule", verdict.ruleId())
                    .bind("title", verdict.title())
                    .bind("severity", verdict.severity().name())
                    .bind("rank", verdict.severity().ordinal())
                    .bind("status", verdict.status())
                    .bind("type", verdict.resourceType())
                    .bind("resource", verdict.resourceId())
                    .bind("name", verdict.resourceName())
                    .bind("host", hostName)
                    .bind("controls", String.join(" ", verdict.controls()))
                    .bind("finding", findingIds.get(resultId))
                    .bind("at", read.scannedAt())
                    .add();
        }
        if (!read.verdicts().isEmpty()) {
            batch.execute();
        }
        handle.createUpdate("INSERT INTO posture_scans (org_id, scope_kind, scope_id, host_name, benchmark, scanned_at,"
                        + " received_at, passed, failed, unknown, errors, notes) VALUES (:org, :kind, :scope, :host,"
                        + " :benchmark, :scanned, :now, :passed, :failed, :unknown, :errors, :notes)")
                .bind("org", orgId)
                .bind("kind", scopeKind)
                .bind("scope", scopeId)
                .bind("host", hostName)
                .bind("benchmark", read.benchmark())
                .bind("scanned", read.scannedAt())
                .bind("now", now)
                .bind("passed", passed)
                .bind("failed", failed)
                .bind("unknown", unknown)
                .bind("errors", errors)
                .bind("notes", cut(String.join("\n", read.notes()), 8192))
                .execute();
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** One rule's verdicts across the organization. */
    public record RuleSummary(
            String ruleId, String title, String severity, int passed, int failed, int unknown, int errors) {
        public int evaluated() {
            return passed + failed + unknown + errors;
        }
    }

    /** Every rule with a verdict, worst first: most failures, then severity. */
    public List<RuleSummary> rules(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT rule_id, MAX(title) AS title, MAX(severity) AS"
                        + " severity, MAX(severity_rank) AS rank, SUM(CASE WHEN status = 'pass' THEN 1 ELSE 0 END) AS"
                        + " passed, SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS failed, SUM(CASE WHEN status ="
                        + " 'unknown' THEN 1 ELSE 0 END) AS unknown, SUM(CASE WHEN status = 'error' THEN 1 ELSE 0"
                        + " END) AS errors FROM posture_results WHERE org_id = :org GROUP BY rule_id ORDER BY failed"
                        + " DESC, rank DESC, rule_id")
                .bind("org", orgId)
                .map((rs, ctx) -> new RuleSummary(
                        rs.getString("rule_id"),
                        rs.getString("title"),
                        rs.getString("severity"),
                        rs.getInt("passed"),
                        rs.getInt("failed"),
                        rs.getInt("unknown"),
                        rs.getInt("errors")))
                .list());
    }

    /** One verdict as the API and pages show it. */
    public record VerdictRow(
            String ruleId,
            String title,
            String severity,
            String status,
            String resourceType,
            String resourceId,
            String resourceName,
            @Nullable String hostName,
            List<String> controls,
            @Nullable String findingId,
            long evaluatedAt) {}

    /** The verdicts of one rule (or every rule when null), optionally of one status, at most {@code limit}. */
    public List<VerdictRow> verdicts(String orgId, @Nullable String ruleId, @Nullable String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT rule_id, title, severity, status, resource_type, resource_id,"
                + " resource_name, host_name, controls, finding_id, evaluated_at FROM posture_results WHERE org_id ="
                + " :org");
        if (ruleId != null) {
            sql.append(" AND rule_id = :rule");
        }
        if (status != null) {
            sql.append(" AND status = :status");
        }
        sql.append(" ORDER BY severity_rank DESC, rule_id, host_name, resource_name LIMIT :limit");
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery(sql.toString()).bind("org", orgId).bind("limit", limit);
            if (ruleId != null) {
                query.bind("rule", ruleId);
            }
            if (status != null) {
                query.bind("status", status);
            }
            return query.map((rs, ctx) -> new VerdictRow(
                            rs.getString("rule_id"),
                            rs.getString("title"),
                            rs.getString("severity"),
                            rs.getString("status"),
                            rs.getString("resource_type"),
                            rs.getString("resource_id"),
                            rs.getString("resource_name"),
                            rs.getString("host_name"),
                            rs.getString("controls").isEmpty()
                                    ? List.of()
                                    : List.of(rs.getString("controls").split(" ")),
                            rs.getString("finding_id"),
                            rs.getLong("evaluated_at")))
                    .list();
        });
    }

    /** A scope's scans, newest first. */
    public record ScanRow(
            String scopeKind,
            String scopeId,
            @Nullable String hostName,
            String benchmark,
            long scannedAt,
            int passed,
            int failed,
            int unknown,
            int errors,
            String notes) {}

    /** The latest scan of each scope. */
    public List<ScanRow> latestScans(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT s.scope_kind, s.scope_id, s.host_name, s.benchmark,"
                        + " s.scanned_at, s.passed, s.failed, s.unknown, s.errors, s.notes FROM posture_scans s WHERE"
                        + " s.org_id = :org AND s.received_at = (SELECT MAX(t.received_at) FROM posture_scans t"
                        + " WHERE t.org_id = s.org_id AND t.scope_kind = s.scope_kind AND t.scope_id = s.scope_id)"
                        + " ORDER BY s.host_name, s.scope_id")
                .bind("org", orgId)
                .map((rs, ctx) -> new ScanRow(
                        rs.getString("scope_kind"),
                        rs.getString("scope_id"),
                        rs.getString("host_name"),
                        rs.getString("benchmark"),
                        rs.getLong("scanned_at"),
                        rs.getInt("passed"),
                        rs.getInt("failed"),
                        rs.getInt("unknown"),
                        rs.getInt("errors"),
                        rs.getString("notes")))
                .list());
    }
}
