package vigil.misconfigurations.wing;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.http.ApiRoute;
import vigil.server.http.SecuredRoutes;
import vigil.server.http.SecuredRoutes.Method;

/** The Misconfigurations API (ADR 0054): rules with their verdict counts, verdicts, and each scope's latest scan. */
public final class PostureApi {
    static final int MAX_LIMIT = 1_000;
    private static final List<String> STATUSES = List.of("pass", "fail", "unknown", "error");

    private final PostureStore store;

    public PostureApi(PostureStore store) {
        this.store = store;
    }

    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/api/v1/misconfigurations/rules", Permission.READ, this::rules),
                new ApiRoute(Method.GET, "/api/v1/misconfigurations/verdicts", Permission.READ, this::verdicts),
                new ApiRoute(Method.GET, "/api/v1/misconfigurations/scans", Permission.READ, this::scans));
    }

    private void rules(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        List<Map<String, Object>> rules = store.rules(principal.orgId()).stream()
                .map(rule -> Map.<String, Object>of(
                        "rule_id", rule.ruleId(),
                        "title", rule.title(),
                        "severity", rule.severity().toLowerCase(java.util.Locale.ROOT),
                        "passed", rule.passed(),
                        "failed", rule.failed(),
                        "unknown", rule.unknown(),
                        "errors", rule.errors()))
                .toList();
        ctx.json(Map.of("rules", rules));
    }

    private void verdicts(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String rule = ctx.queryParam("rule");
        String status = ctx.queryParam("status");
        if (status != null && !STATUSES.contains(status)) {
            error(ctx, "status must be one of " + STATUSES + ", not '" + status + "'");
            return;
        }
        int limit = 100;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                error(ctx, "limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limitText + "'");
                return;
            }
        }
        List<Map<String, @Nullable Object>> verdicts =
                store.verdicts(principal.orgId(), blank(rule), status, limit).stream()
                        .map(PostureApi::verdict)
                        .toList();
        ctx.json(Map.of("verdicts", verdicts));
    }

    private static Map<String, @Nullable Object> verdict(PostureStore.VerdictRow row) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        out.put("rule_id", row.ruleId());
        out.put("title", row.title());
        out.put("severity", row.severity().toLowerCase(java.util.Locale.ROOT));
        out.put("status", row.status());
        out.put("resource", Map.of("type", row.resourceType(), "id", row.resourceId(), "name", row.resourceName()));
        out.put("host", row.hostName());
        out.put("controls", row.controls());
        out.put("finding_id", row.findingId());
        out.put("evaluated_at", Instant.ofEpochMilli(row.evaluatedAt()).toString());
        return out;
    }

    private void scans(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        List<Map<String, @Nullable Object>> scans = store.latestScans(principal.orgId()).stream()
                .map(scan -> {
                    Map<String, @Nullable Object> out = new LinkedHashMap<>();
                    out.put("scope", Map.of("kind", scan.scopeKind(), "id", scan.scopeId()));
                    out.put("host", scan.hostName());
                    out.put("benchmark", scan.benchmark());
                    out.put("scanned_at", Instant.ofEpochMilli(scan.scannedAt()).toString());
                    out.put("passed", scan.passed());
                    out.put("failed", scan.failed());
                    out.put("unknown", scan.unknown());
                    out.put("errors", scan.errors());
                    out.put(
                            "notes",
                            scan.notes().isEmpty()
                                    ? List.of()
                                    : List.of(scan.notes().split("\n")));
                    return out;
                })
                .toList();
        ctx.json(Map.of("scans", scans));
    }

    private static @Nullable String blank(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void error(Context ctx, String message) {
        ctx.status(400).json(SecuredRoutes.error(400, message));
    }
}
