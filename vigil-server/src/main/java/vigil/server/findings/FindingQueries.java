package vigil.server.findings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;
import vigil.model.finding.Category;

/**
 * Reads findings of an organization, always addressed with its id: pages of the list (keyset {@link Cursor}) with
 * their total and facets, free-text search, the groups by vulnerability, package, host or image, the resources with
 * their scan state, and the series by day. Never writes.
 */
public final class FindingQueries {
    private final Jdbi jdbi;
    private final Clock clock;
    /** SQLite finds search terms through FTS5 (PostgreSQL through pg_trgm); both are told how to collect findings. */
    private final boolean sqlite;

    /** Free-text searches count their matches up to this many; beyond, the total is "more than" it. */
    public static final int COUNT_CAP = 10_000;

    private final int countCap;

    public FindingQueries(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, COUNT_CAP);
    }

    /** @param countCap up to how many matches a free-text search counts (tests make it small) */
    FindingQueries(Jdbi jdbi, Clock clock, int countCap) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.countCap = countCap;
        this.sqlite = FindingSql.isSqlite(jdbi);
    }

    /** Filters of {@code GET /api/v1/findings}; every one optional. */
    public record Filter(
            List<String> statuses,
            List<Severity> severities,
            @Nullable String category,
            @Nullable String resource,
            @Nullable String rule,
            @Nullable String text,
            @Nullable String assignee,
            @Nullable String pkg,
            int limit,
            int offset,
            @Nullable Cursor after) {
        public Filter {
            statuses = List.copyOf(statuses);
            severities = List.copyOf(severities);
        }

        public Filter(
                List<String> statuses,
                List<Severity> severities,
                @Nullable String category,
                @Nullable String resource,
                @Nullable String rule,
                @Nullable String text,
                @Nullable String assignee,
                int limit,
                int offset) {
            this(statuses, severities, category, resource, rule, text, assignee, null, limit, offset, null);
        }
    }

    /** One row of the findings list. */
    public record Row(
            String id,
            String category,
            String ruleId,
            String title,
            String severity,
            String status,
            String resourceId,
            String resourceType,
            String resourceName,
            @Nullable String packageName,
            @Nullable String packageVersion,
            @Nullable String fixedVersion,
            @Nullable String fixState,
            long firstSeen,
            long lastSeen,
            @Nullable Long resolvedAt,
            @Nullable String mutedReason,
            @Nullable Long mutedUntil,
            @Nullable String assignee) {}

    /**
     * One page of findings. {@code totalExact} is false when a free-text search matched more than it counts: then
     * {@code total} is that cap (more match) and the facets are empty, since counting every match of a text found in
     * most findings would read them all.
     */
    public record Page(
            long total,
            boolean totalExact,
            List<Row> rows,
            Map<String, Map<String, Long>> facets,
            @Nullable Cursor next) {}

    /**
     * One page of findings, the total and the facet counts. Free text matches a case-insensitive substring of the
     * title, rule id, package name or resource name, taken literally (no wildcards, no query syntax), checked with
     * {@code LIKE} on the distinct values of those columns ({@code search_terms}: pg_trgm on PostgreSQL, the FTS5
     * trigram table on SQLite for needles of three characters or more); the findings with those values come from
     * the columns' indexes. A text search counts up to {@link #COUNT_CAP} matches (ADR 0012).
     */
    public Page query(String orgId, Filter filter) {
        // every condition but the status one, which the list may split into one query per status
        StringBuilder where = new StringBuilder(" WHERE org_id = :org");
        Map<String, Object> binds = new HashMap<>();
        binds.put("org", orgId);
        if (!filter.severities().isEmpty()) {
            where.append(" AND severity_rank IN (<severities>)");
        }
        if (filter.category() != null) {
            where.append(" AND category = :category");
            binds.put("category", filter.category());
        }
        boolean counted = filter.resource() == null
                && filter.rule() == null
                && filter.pkg() == null
                && filter.text() == null
                && filter.assignee() == null;
        String whereCounted = where.toString();
        if (filter.resource() != null) {
            where.append(" AND (resource_id = :resource OR resource_name = :resource)");
            binds.put("resource", filter.resource());
        }
        if (filter.rule() != null) {
            where.append(" AND rule_id = :rule");
            binds.put("rule", filter.rule());
        }
        if (filter.pkg() != null) {
            where.append(" AND ").append(FindingSql.WITH_PACKAGE);
            binds.put("package", filter.pkg());
        }
        if (filter.assignee() != null) {
            where.append(" AND assignee = :assignee");
            binds.put("assignee", filter.assignee().toLowerCase(Locale.ROOT));
        }
        String statusWhere = filter.statuses().isEmpty() ? "" : " AND status IN (<statuses>)";
        String untexted = where.toString();
        List<String> branches =
                filter.text() == null ? List.of() : TextSearch.textBranches(sqlite, filter.text(), binds);
        return jdbi.withHandle(handle -> {
            if (!sqlite && !branches.isEmpty()) {
                // PostgreSQL: a transaction, so the probe's rows come through a cursor and it stops reading once it
                // knows; plans made for each text, since a plan kept for any text (after five runs of a statement)
                // cannot know how many findings it matches
                return handle.inTransaction(transaction -> {
                    transaction.execute("SET TRANSACTION READ ONLY");
                    transaction.execute("SET LOCAL plan_cache_mode = force_custom_plan");
                    return search(
                            transaction,
                            orgId,
                            filter,
                            binds,
                            where,
                            untexted,
                            branches,
                            whereCounted,
                            statusWhere,
                            counted);
                });
            }
            return search(handle, orgId, filter, binds, where, untexted, branches, whereCounted, statusWhere, counted);
        });
    }

    private Page search(
            Handle handle,
            String orgId,
            Filter filter,
            Map<String, Object> binds,
            StringBuilder where,
            String untexted,
            List<String> branches,
            String whereCounted,
            String statusWhere,
            boolean counted) {
        // the text condition: the findings collected by key, or, when more match than are counted, checked one by one
        boolean capped = false;
        if (!branches.isEmpty()) {
            if (TextSearch.moreMatchThan(handle, sqlite, countCap, branches, untexted + statusWhere, binds, filter)) {
                // so many match (a word of every title, two letters) that collecting them all by key to count and
                // sort them would read most findings: the first page comes from walking the list index in its order,
                // checking each finding, which finds a page quickly when this many match
                binds.remove("match");
                where.append(" AND ").append(TextSearch.scanCondition(sqlite, "findings"));
                capped = true;
                if (!sqlite) {
                    // PostgreSQL cannot know how many findings contain a text and, guessing a few, would read and
                    // sort every finding (0.3-0.4 s); it is known to be many, so the list index is walked
                    handle.execute("SET LOCAL enable_seqscan = off");
                    handle.execute("SET LOCAL enable_bitmapscan = off");
                }
            } else {
                where.append(" AND ").append(TextSearch.anyBranch(sqlite, branches));
            }
        }
        return page(handle, orgId, filter, binds, " FROM findings" + where, whereCounted, statusWhere, counted, capped);
    }

    private Page page(
            Handle handle,
            String orgId,
            Filter filter,
            Map<String, Object> binds,
            String fromWhere,
            String whereCounted,
            String statusWhere,
            boolean counted,
            boolean capped) {
        String grouped = counted
                ? "SELECT severity_rank, status, category, SUM(n) FROM finding_counts" + whereCounted + statusWhere
                : "SELECT severity_rank, status, category, COUNT(*)" + fromWhere + statusWhere;
        // Without resource, rule, assignee or text filters (or with a text so common that the list index is
        // walked anyway), the list reads the list index in its order; across statuses that order is interleaved, so
        // each status gives its first rows and they are merged.
        boolean merge = (filter.text() == null || capped)
                && filter.resource() == null
                && filter.rule() == null
                && filter.pkg() == null
                && filter.assignee() == null
                && filter.statuses().size() != 1;
        Map<Integer, Long> bySeverity = new java.util.TreeMap<>();
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        Map<String, Long> byCategory = new java.util.TreeMap<>();
        long[] total = {0};
        if (!capped) {
            // totals and all three facets from one grouped count (of the running counts when no filter needs rows)
            bind(handle.createQuery(grouped + " GROUP BY severity_rank, status, category"), binds, filter)
                    .map((rs, ctx) -> {
                        long n = rs.getLong(4);
                        if (n != 0) {
                            bySeverity.merge(rs.getInt(1), n, Long::sum);
                            byStatus.merge(rs.getString(2), n, Long::sum);
                            byCategory.merge(rs.getString(3), n, Long::sum);
                            total[0] += n;
                        }
                        return 0;
                    })
                    .list();
        }
        boolean exact = !capped;
        // the page starts after the cursor; the counts above are of every page
        String after = filter.after() == null ? "" : Cursor.CONDITION;
        Query list;
        if (merge) {
            // distinct: a status named twice must not list its findings twice
            List<String> statuses = filter.statuses().stream().distinct().toList();
            if (statuses.isEmpty()) {
                statuses = handle.createQuery("SELECT DISTINCT status FROM finding_counts WHERE org_id = :org"
                                + " AND n > 0 ORDER BY status")
                        .bind("org", orgId)
                        .mapTo(String.class)
                        .list();
            }
            if (statuses.isEmpty()) {
                statuses = List.of("open");
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < statuses.size(); i++) {
                parts.add("SELECT " + FindingRows.COLUMNS + " FROM (SELECT " + FindingRows.COLUMNS + fromWhere
                        + " AND status =" + " :status" + i + after + FindingRows.ORDER + " LIMIT :window) part" + i);
            }
            list = handle.createQuery(
                            String.join(" UNION ALL ", parts) + FindingRows.ORDER + " LIMIT :limit OFFSET :offset")
                    .bind("window", (long) filter.limit() + filter.offset());
            for (int i = 0; i < statuses.size(); i++) {
                list.bind("status" + i, statuses.get(i));
            }
            binds.forEach(list::bind);
            if (!filter.severities().isEmpty()) {
                list.bindList(
                        "severities",
                        filter.severities().stream().map(Severity::ordinal).toList());
            }
        } else {
            list = bind(
                    handle.createQuery("SELECT " + FindingRows.COLUMNS + fromWhere + statusWhere + after
                            + FindingRows.ORDER + " LIMIT :limit OFFSET :offset"),
                    binds,
                    filter);
        }
        Cursor cursor = filter.after();
        if (cursor != null) {
            list.bind("afterRank", cursor.rank())
                    .bind("afterSeen", cursor.lastSeen())
                    .bind("afterId", cursor.id());
        }
        List<Row> rows = list.bind("limit", filter.limit())
                .bind("offset", filter.offset())
                .map((rs, ctx) -> FindingRows.read(rs))
                .list();
        rows = FindingRows.withDetails(handle, orgId, rows);
        Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
        Map<String, Long> severityFacet = new LinkedHashMap<>();
        if (exact) {
            bySeverity.forEach((rank, n) -> severityFacet.put(Severity.values()[rank].name(), n));
        }
        facets.put("severity", severityFacet);
        facets.put("status", exact ? new LinkedHashMap<>(byStatus) : new LinkedHashMap<>());
        facets.put("category", exact ? new LinkedHashMap<>(byCategory) : new LinkedHashMap<>());
        Cursor next = null;
        if (rows.size() == filter.limit()) {
            Row last = rows.getLast();
            next = new Cursor(Severity.valueOf(last.severity()).ordinal(), last.lastSeen(), last.id());
        }
        return new Page(exact ? total[0] : countCap, exact, rows, facets, next);
    }

    /**
     * Findings not resolved at the end of each of the last {@code days} days (UTC), oldest first: two grouped scans
     * (by day opened, by day resolved) summed up, whatever the number of findings.
     */
    public List<Map.Entry<java.time.LocalDate, Long>> unresolvedByDay(String orgId, int days) {
        long dayMillis = 86_400_000L;
        long today = clock.millis() / dayMillis;
        long first = today - days + 1;
        Map<Long, Long> opened = new HashMap<>();
        Map<Long, Long> resolved = new HashMap<>();
        jdbi.useHandle(handle -> {
            handle.createQuery("SELECT first_seen / " + dayMillis + " AS d, COUNT(*) FROM findings WHERE org_id = :org"
                            + " GROUP BY first_seen / " + dayMillis)
                    .bind("org", orgId)
                    .map((rs, ctx) -> opened.merge(rs.getLong(1), rs.getLong(2), Long::sum))
                    .list();
            handle.createQuery("SELECT resolved_at / " + dayMillis + " AS d, COUNT(*) FROM findings WHERE org_id ="
                            + " :org AND status = 'resolved' AND resolved_at IS NOT NULL GROUP BY resolved_at / "
                            + dayMillis)
                    .bind("org", orgId)
                    .map((rs, ctx) -> resolved.merge(rs.getLong(1), rs.getLong(2), Long::sum))
                    .list();
        });
        long running = 0;
        for (Map.Entry<Long, Long> entry : opened.entrySet()) {
            if (entry.getKey() < first) {
                running += entry.getValue();
            }
        }
        for (Map.Entry<Long, Long> entry : resolved.entrySet()) {
            if (entry.getKey() < first) {
                running -= entry.getValue();
            }
        }
        List<Map.Entry<java.time.LocalDate, Long>> series = new ArrayList<>();
        for (long day = first; day <= today; day++) {
            running += opened.getOrDefault(day, 0L) - resolved.getOrDefault(day, 0L);
            series.add(Map.entry(java.time.LocalDate.ofEpochDay(day), running));
        }
        return series;
    }

    /** Findings per severity among those with one of {@code statuses} (all when empty); an index-only count. */
    public Map<Severity, Long> countsBySeverity(String orgId, List<String> statuses) {
        Map<Severity, Long> counts = new java.util.EnumMap<>(Severity.class);
        jdbi.useHandle(handle -> {
            Query query = handle.createQuery("SELECT severity_rank, SUM(n) FROM finding_counts WHERE org_id = :org"
                            + (statuses.isEmpty() ? "" : " AND status IN (<statuses>)") + " GROUP BY severity_rank")
                    .bind("org", orgId);
            if (!statuses.isEmpty()) {
                query.bindList("statuses", statuses);
            }
            query.map((rs, ctx) -> counts.put(Severity.values()[rs.getInt(1)], rs.getLong(2)))
                    .list();
        });
        return counts;
    }

    /**
     * Open and muted findings grouped by vulnerability, package or resource, largest groups first. Vulnerabilities
     * come from their running counts ({@code vulnerability_counts}) in the order of its index; packages and hosts are
     * grouped from the findings.
     */
    public List<Group> groups(String orgId, String by, int limit) {
        return groups(orgId, by, limit, 0).rows();
    }

    /** One group: its key, its unresolved findings, their worst severity and the resources they are on. */
    public record Group(String key, long findings, Severity severity, long resources) {}

    /** One page of groups and how many groups there are in all. */
    public record Groups(long total, List<Group> rows) {
        public Groups {
            rows = List.copyOf(rows);
        }
    }

    /**
     * The groups of vulnerability findings from the {@code offset}-th on, at most {@code limit}, and their number:
     * the pages "by CVE", "by package" and "by host" never show another capability's findings.
     */
    public Groups groups(String orgId, String by, int limit, int offset) {
        return groups(orgId, Category.VULNERABILITY, by, limit, offset);
    }

    /**
     * The groups of one category's unresolved findings by {@code by}: {@code rule} (or {@code cve}), {@code package},
     * {@code host} or {@code image}; from the running counts kept per category.
     */
    public Groups groups(String orgId, Category category, String by, int limit, int offset) {
        String column = switch (by) {
            case "package" -> "package_name";
            case "host", "image" -> "resource_name";
            default -> "rule_id";
        };
        String kind = switch (by) {
            // hosts, and root filesystems and SBOMs sent by scans: everything but images
            case "host" -> " AND resource_type <> 'container_image'";
            case "image" -> " AND resource_type = 'container_image'";
            default -> "";
        };
        String worst = "CASE WHEN rank5 > 0 THEN 5 WHEN rank4 > 0 THEN 4 WHEN rank3 > 0 THEN 3 WHEN rank2 > 0 THEN 2"
                + " WHEN rank1 > 0 THEN 1 ELSE 0 END";
        String sql = !column.equals("resource_name")
                // vulnerabilities and packages from their running counts, in the order of their own index
                ? "SELECT " + column + ", findings, max_rank, resources FROM "
                        + (column.equals("rule_id") ? "vulnerability_counts" : "package_counts")
                        + " WHERE org_id = :org AND category = :category AND findings > 0 ORDER BY max_rank DESC,"
                        + " findings DESC, " + column + " LIMIT :limit OFFSET :offset"
                // hosts and images from the running counts per resource, not from every open finding
                : "SELECT resource_name, SUM(findings), MAX(" + worst + "), COUNT(*) FROM resource_counts WHERE org_id"
                        + " = :org AND category = :category AND findings > 0" + kind
                        + " GROUP BY resource_name ORDER BY MAX(" + worst
                        + ") DESC,"
                        + " SUM(findings) DESC, resource_name LIMIT :limit OFFSET :offset";
        String count = !column.equals("resource_name")
                ? "SELECT COUNT(*) FROM " + (column.equals("rule_id") ? "vulnerability_counts" : "package_counts")
                        + " WHERE org_id = :org AND category = :category AND findings > 0"
                : "SELECT COUNT(DISTINCT resource_name) FROM resource_counts WHERE org_id = :org AND category ="
                        + " :category AND findings > 0" + kind;
        return jdbi.withHandle(handle -> new Groups(
                handle.createQuery(count)
                        .bind("org", orgId)
                        .bind("category", category.wireName())
                        .mapTo(Long.class)
                        .one(),
                handle.createQuery(sql)
                        .bind("org", orgId)
                        .bind("category", category.wireName())
                        .bind("limit", limit)
                        .bind("offset", offset)
                        .map((rs, ctx) -> new Group(
                                rs.getString(1), rs.getLong(2), Severity.values()[rs.getInt(3)], rs.getLong(4)))
                        .list()));
    }

    /** Binds a list query's values and the filter's status and severity lists (the probe of TextSearch too). */
    static Query bind(Query query, Map<String, Object> binds, Filter filter) {
        binds.forEach(query::bind);
        if (!filter.statuses().isEmpty()) {
            query.bindList("statuses", filter.statuses());
        }
        if (!filter.severities().isEmpty()) {
            query.bindList(
                    "severities",
                    filter.severities().stream().map(Severity::ordinal).toList());
        }
        return query;
    }
}
