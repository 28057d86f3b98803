package vigil.server.findings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.EvidenceCodec;
import vigil.model.finding.Finding;
import vigil.model.finding.Scope;

/**
 * Findings of every organization, always addressed with the organization's id. A complete scan result replaces what
 * is known of its category in its scope (a resource, an account; a stream only appends, ADR 0033): new findings open,
 * seen ones are refreshed (a resolved one reopens), and open ones the result no longer reports are resolved. Mutes
 * survive rescans until they expire. Every later change is an event. Running counts are kept per category.
 */
public final class FindingStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Jdbi jdbi;
    private final Clock clock;
    /** SQLite finds search terms through FTS5 (PostgreSQL through pg_trgm); both are told how to collect findings. */
    private final boolean sqlite;

    /** Free-text searches count their matches up to this many; beyond, the total is "more than" it. */
    public static final int COUNT_CAP = 10_000;

    private final int countCap;

    public FindingStore(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, COUNT_CAP);
    }

    /** @param countCap up to how many matches a free-text search counts (tests make it small) */
    FindingStore(Jdbi jdbi, Clock clock, int countCap) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.countCap = countCap;
        this.sqlite = jdbi.withHandle(handle -> {
            try {
                return handle.getConnection()
                        .getMetaData()
                        .getDatabaseProductName()
                        .toLowerCase(Locale.ROOT)
                        .contains("sqlite");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot tell the store's kind: " + e.getMessage(), e);
            }
        });
    }

    /**
     * What one complete scan changed; {@code raised} are the new findings, {@code reopenedFindings} the resolved ones
     * seen again, with the time they were first seen.
     */
    public record Outcome(
            int opened,
            int reopened,
            int refreshed,
            int resolved,
            List<Finding> raised,
            List<Finding> reopenedFindings) {
        public Outcome {
            raised = List.copyOf(raised);
            reopenedFindings = List.copyOf(reopenedFindings);
        }
    }

    /** Stores the complete result of one scan of {@code resourceId} for {@code category} (a resource scope). */
    public Outcome replaceScan(Handle handle, String orgId, String resourceId, Category category, List<Finding> found) {
        return replace(handle, orgId, new Scope.Resource(resourceId), category, found);
    }

    /** A stored finding as a scan of its scope reads it before the scan's changes. */
    private record Known(
            String status,
            @Nullable Long mutedUntil,
            int rank,
            String rule,
            String title,
            long firstSeen,
            String resourceId,
            @Nullable String pkg,
            @Nullable String version,
            @Nullable String fixed,
            @Nullable String fixState) {}

    /**
     * Stores the complete result of one scan of {@code scope} for {@code category}: new findings open, seen ones are
     * refreshed (a resolved one reopens) and, unless the scope is a stream, the scope's unresolved findings of that
     * category the result no longer reports are resolved (an account's include those of resources that vanished).
     * A resource scope's findings are stored on that resource; the others' on each finding's own resource.
     */
    public Outcome replace(Handle handle, String orgId, Scope scope, Category category, List<Finding> found) {
        long now = clock.millis();
        Map<String, Finding> unique = new LinkedHashMap<>();
        found.forEach(finding -> unique.putIfAbsent(finding.id(), finding));
        Map<String, Known> known = known(handle, orgId, scope, category, unique.keySet());
        RowBatch insert = new RowBatch(
                handle,
                "INSERT INTO findings (org_id, id, category, rule_id, title, severity, severity_rank, status,"
                        + " resource_id, resource_type, resource_name, scope_kind, scope_id, evidence, remediation,"
                        + " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        RowBatch insertDetails = new RowBatch(
                handle,
                "INSERT INTO vulnerability_details (org_id, finding_id, package_name, package_version, fixed_version,"
                        + " fix_state) VALUES (?, ?, ?, ?, ?, ?)");
        // the title only when it changed: rewriting it would update its index and the search terms for nothing
        PreparedBatch retitle =
                handle.prepareBatch("UPDATE findings SET title = :title WHERE org_id = :org AND id = :id");
        RowBatch update = new RowBatch(
                handle,
                "UPDATE findings SET severity = ?, severity_rank = ?, status = ?, resolved_at = NULL, evidence = ?,"
                        + " remediation = ?, last_seen = ? WHERE org_id = ? AND id = ?");
        // the details only when they changed: a rescan mostly finds the same versions
        RowBatch updateDetails = new RowBatch(
                handle,
                "UPDATE vulnerability_details SET package_version = ?, fixed_version = ?, fix_state = ?"
                        + " WHERE org_id = ? AND finding_id = ?");
        PreparedBatch events = handle.prepareBatch("INSERT INTO finding_events (org_id, finding_id, at, kind, actor,"
                + " detail) VALUES (:org, :id, :now, :kind, NULL, NULL)");
        int opened = 0;
        int reopened = 0;
        int refreshed = 0;
        List<Finding> raised = new ArrayList<>();
        List<Finding> reopenedFindings = new ArrayList<>();
        Counts counts = new Counts(orgId, category.wireName());
        // a resource with no unresolved finding of the category before this scan (a new host): what it has
        // afterwards is this scan's
        java.util.Set<String> fresh = new java.util.HashSet<>();
        if (scope instanceof Scope.Resource resource
                && known.isEmpty()
                && !unique.isEmpty()
                && handle.createQuery("SELECT COUNT(*) FROM findings WHERE org_id = :org AND resource_id = :resource"
                                        + " AND category = :category AND status <> 'resolved'")
                                .bind("org", orgId)
                                .bind("resource", resource.resourceId())
                                .bind("category", category.wireName())
                                .mapTo(Long.class)
                                .one()
                        == 0) {
            fresh.add(resource.resourceId());
        }
        KeyCounts rules =
                new KeyCounts("vulnerability_counts", "rule_id", "f.rule_id", "", orgId, category.wireName(), fresh);
        KeyCounts packages = new KeyCounts(
                "package_counts",
                "package_name",
                "d.package_name",
                " JOIN vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id",
                orgId,
                category.wireName(),
                fresh);
        // the type and name of each resource the result reports, for its row of resource_counts
        Map<String, Map.Entry<String, String>> resources = new HashMap<>();
        // the searched values of new and retitled findings, and the rules their titles occur with, added to the
        // search index once per scan
        java.util.SortedSet<String> terms = new java.util.TreeSet<>();
        java.util.SortedSet<Map.Entry<String, String>> titleRules = new java.util.TreeSet<>(
                Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        for (Finding finding : unique.values()) {
            Known previous = known.remove(finding.id());
            Evidence.VulnerablePackage pkg = finding.evidence() instanceof Evidence.VulnerablePackage p ? p : null;
            String title = truncate(finding.rule().title(), 1000);
            String severity = finding.rule().severity().name();
            int rank = finding.rule().severity().ordinal();
            String version = pkg == null ? null : pkg.installedVersion();
            String fixed = pkg == null ? null : pkg.fixedVersion();
            String fixState = pkg == null ? null : pkg.fixState().name();
            String evidence = evidenceJson(finding.evidence());
            String remediation = finding.remediation() == null ? null : truncate(finding.remediation(), 2000);
            if (previous == null) {
                String resourceId = scope instanceof Scope.Resource r
                        ? r.resourceId()
                        : finding.resource().id();
                resources.putIfAbsent(
                        resourceId,
                        Map.entry(finding.resource().type(), finding.resource().name()));
                terms.add(title);
                terms.add(finding.rule().id());
                terms.add(finding.resource().name());
                titleRules.add(Map.entry(title, finding.rule().id()));
                if (pkg != null) {
                    terms.add(pkg.packageName());
                    insertDetails.add(orgId, finding.id(), pkg.packageName(), version, fixed, fixState);
                }
                insert.add(
                        orgId,
                        finding.id(),
                        category.wireName(),
                        finding.rule().id(),
                        title,
                        severity,
                        rank,
                        resourceId,
                        finding.resource().type(),
                        finding.resource().name(),
                        scope.kind(),
                        scope.id(),
                        evidence,
                        remediation,
                        now,
                        now);
                opened++;
                raised.add(firstSeenAt(finding, now)); // as stored: a later reopening reports the same time
                counts.add("open", rank, 1);
                rules.add(resourceId, finding.rule().id(), "open", rank, 1);
                packages.add(resourceId, pkg == null ? null : pkg.packageName(), "open", rank, 1);
                // no event row: first_seen is the "opened" event, and history() reports it from there
            } else {
                resources.putIfAbsent(
                        previous.resourceId(),
                        Map.entry(finding.resource().type(), finding.resource().name()));
                boolean stillMuted = previous.status().equals("muted")
                        && (previous.mutedUntil() == null || previous.mutedUntil() > now);
                String status = stillMuted ? "muted" : "open";
                update.add(severity, rank, status, evidence, remediation, now, orgId, finding.id());
                if (previous.pkg() != null
                        && !(java.util.Objects.equals(version, previous.version())
                                && java.util.Objects.equals(fixed, previous.fixed())
                                && java.util.Objects.equals(fixState, previous.fixState()))) {
                    // as before the details had their table: the package name stays, its versions follow the scan
                    updateDetails.add(version, fixed, fixState, orgId, finding.id());
                } else if (previous.pkg() == null && pkg != null) {
                    insertDetails.add(orgId, finding.id(), pkg.packageName(), version, fixed, fixState);
                }
                if (!title.equals(previous.title())) {
                    terms.add(title);
                    titleRules.add(Map.entry(title, previous.rule()));
                    retitle.bind("org", orgId)
                            .bind("id", finding.id())
                            .bind("title", title)
                            .add();
                }
                counts.add(previous.status(), previous.rank(), -1);
                counts.add(status, rank, 1);
                // an update keeps the stored rule id and package name
                rules.add(previous.resourceId(), previous.rule(), previous.status(), previous.rank(), -1);
                rules.add(previous.resourceId(), previous.rule(), status, rank, 1);
                packages.add(previous.resourceId(), previous.pkg(), previous.status(), previous.rank(), -1);
                packages.add(previous.resourceId(), previous.pkg(), status, rank, 1);
                if (previous.status().equals("resolved")) {
                    reopened++;
                    reopenedFindings.add(firstSeenAt(finding, previous.firstSeen()));
                    events.bind("org", orgId)
                            .bind("id", finding.id())
                            .bind("now", now)
                            .bind("kind", "reopened");
                    events.add();
                } else {
                    refreshed++;
                }
            }
        }
        insert.execute();
        insertDetails.execute();
        update.execute();
        updateDetails.execute();
        if (retitle.size() > 0) {
            retitle.execute();
        }
        addSearchTerms(handle, terms, titleRules);
        int resolved = 0;
        PreparedBatch resolve = handle.prepareBatch(
                "UPDATE findings SET status = 'resolved', resolved_at = :now" + " WHERE org_id = :org AND id = :id");
        // what is left of the scope's findings the result no longer reports (none for a stream: only its own were read)
        for (Map.Entry<String, Known> gone : known.entrySet()) {
            Known was = gone.getValue();
            if (!scope.replaces() || was.status().equals("resolved")) {
                continue;
            }
            resolve.bind("now", now)
                    .bind("org", orgId)
                    .bind("id", gone.getKey())
                    .add();
            events.bind("org", orgId).bind("id", gone.getKey()).bind("now", now).bind("kind", "resolved");
            events.add();
            counts.add(was.status(), was.rank(), -1);
            counts.add("resolved", was.rank(), 1);
            rules.add(was.resourceId(), was.rule(), was.status(), was.rank(), -1);
            packages.add(was.resourceId(), was.pkg(), was.status(), was.rank(), -1);
            resolved++;
        }
        if (resolve.size() > 0) {
            resolve.execute();
        }
        if (events.size() > 0) {
            events.execute();
        }
        counts.apply(handle);
        rules.apply(handle);
        packages.apply(handle);
        // sorted: concurrent transactions on PostgreSQL take the rows' locks in one order and cannot deadlock
        new java.util.TreeMap<>(rules.totals()).forEach((resourceId, ranks) -> {
            Map.Entry<String, String> named = resources.getOrDefault(resourceId, Map.entry("", ""));
            applyResourceCounts(
                    handle, orgId, category.wireName(), resourceId, named.getKey(), named.getValue(), ranks);
        });
        return new Outcome(opened, reopened, refreshed, resolved, raised, reopenedFindings);
    }

    /**
     * The stored findings a result of {@code scope} replaces, by id: a resource's or an account's findings of the
     * category; for a stream only those the result reports again (nothing else of a stream is ever resolved by it).
     */
    private static Map<String, Known> known(
            Handle handle, String orgId, Scope scope, Category category, java.util.Collection<String> ids) {
        String select = "SELECT f.id, f.status, f.muted_until, f.severity_rank, f.rule_id, f.title, f.first_seen,"
                + " f.resource_id, d.package_name, d.package_version, d.fixed_version, d.fix_state FROM findings f"
                + " LEFT JOIN vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id"
                + " WHERE f.org_id = :org AND f.category = :category";
        Map<String, Known> known = new HashMap<>();
        org.jdbi.v3.core.mapper.RowMapper<Integer> read = (rs, ctx) -> {
            long muted = rs.getLong(3);
            Long mutedUntil = rs.wasNull() ? null : muted;
            known.put(
                    rs.getString(1),
                    new Known(
                            rs.getString(2),
                            mutedUntil,
                            rs.getInt(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12)));
            return 0;
        };
        switch (scope) {
            // through findings_by_resource, which a resource's findings have anyway
            case Scope.Resource resource ->
                handle.createQuery(select + " AND f.resource_id = :scope AND f.scope_kind = 'resource'"
                                + " AND f.scope_id = :scope")
                        .bind("org", orgId)
                        .bind("category", category.wireName())
                        .bind("scope", resource.resourceId())
                        .map(read)
                        .list();
            // through the partial index findings_by_scope, whose condition is repeated so both planners use it
            case Scope.Account account ->
                handle.createQuery(select + " AND f.scope_kind = 'account' AND f.scope_kind <> 'resource'"
                                + " AND f.scope_id = :scope")
                        .bind("org", orgId)
                        .bind("category", category.wireName())
                        .bind("scope", account.id())
                        .map(read)
                        .list();
            case Scope.Stream stream -> {
                List<String> all = List.copyOf(ids);
                for (int from = 0; from < all.size(); from += 500) {
                    handle.createQuery(select + " AND f.id IN (<ids>)")
                            .bind("org", orgId)
                            .bind("category", category.wireName())
                            .bindList("ids", all.subList(from, Math.min(all.size(), from + 500)))
                            .map(read)
                            .list();
                }
            }
        }
        return known;
    }

    /** A finding seen again, with the time it was first seen (a reopening keeps it). */
    private static Finding firstSeenAt(Finding finding, long firstSeen) {
        java.time.Instant first = java.time.Instant.ofEpochMilli(firstSeen);
        return new Finding(
                finding.id(),
                finding.category(),
                finding.rule(),
                finding.resource(),
                finding.status(),
                first,
                first.isAfter(finding.lastSeen()) ? first : finding.lastSeen(),
                finding.evidence(),
                finding.remediation());
    }

    /**
     * One statement run for many rows through plain JDBC with positional parameters: binding Jdbi's named parameters
     * row by row took a third of the time of inserting a new host's thousands of findings. A null stands for a text
     * column's NULL (the only nullable values these statements take). Errors surface as Jdbi's, like every other
     * statement's, for the callers that tell a unique-key clash or a deadlock from other failures.
     */
    private static final class RowBatch {
        private final java.sql.PreparedStatement statement;
        private int rows;

        RowBatch(Handle handle, String sql) {
            try {
                this.statement = handle.getConnection().prepareStatement(sql);
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
            }
            handle.addCleanable(statement::close);
        }

        void add(@Nullable Object... values) {
            try {
                for (int i = 0; i < values.length; i++) {
                    Object value = values[i];
                    switch (value) {
                        case null -> statement.setNull(i + 1, java.sql.Types.VARCHAR);
                        case String text -> statement.setString(i + 1, text);
                        case Integer number -> statement.setInt(i + 1, number);
                        case Long number -> statement.setLong(i + 1, number);
                        default -> throw new IllegalArgumentException("no binding for " + value.getClass());
                    }
                }
                statement.addBatch();
                rows++;
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
            }
        }

        void execute() {
            if (rows == 0) {
                return;
            }
            try {
                statement.executeBatch();
                rows = 0;
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
            }
        }
    }

    /**
     * Adds a scan's changes of unresolved findings of one category per severity rank to the resource's row in
     * {@code resource_counts} (type and name only matter when the row is new: a resource with nothing unresolved
     * before has this scan's).
     */
    private static void applyResourceCounts(
            Handle handle, String orgId, String category, String resourceId, String type, String name, long[] ranks) {
        long sum = java.util.Arrays.stream(ranks).sum();
        if (java.util.Arrays.stream(ranks).allMatch(d -> d == 0)) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO resource_counts (org_id, category, resource_id,"
                + " resource_type, resource_name, findings, rank0, rank1, rank2, rank3, rank4, rank5) VALUES (:org,"
                + " :category, :resource, :type, :name, :findings, :rank0, :rank1, :rank2, :rank3, :rank4, :rank5)"
                + " ON CONFLICT (org_id, category, resource_id) DO UPDATE SET findings = resource_counts.findings"
                + " + excluded.findings");
        for (int rank = 0; rank < ranks.length; rank++) {
            sql.append(", rank%1$d = resource_counts.rank%1$d + excluded.rank%1$d".formatted(rank));
        }
        var update = handle.createUpdate(sql.toString())
                .bind("org", orgId)
                .bind("category", category)
                .bind("resource", resourceId)
                .bind("type", type)
                .bind("name", name)
                .bind("findings", sum);
        for (int rank = 0; rank < ranks.length; rank++) {
            update.bind("rank" + rank, ranks[rank]);
        }
        update.execute();
    }

    /** Changes to {@code finding_counts}, collected during a change of findings and applied in its transaction. */
    private static final class Counts {
        private final String orgId;
        private final String category;
        // sorted: concurrent transactions on PostgreSQL take the rows' locks in one order and cannot deadlock
        private final Map<String, Long> deltas = new java.util.TreeMap<>();

        Counts(String orgId, String category) {
            this.orgId = orgId;
            this.category = category;
        }

        void add(String status, int rank, long delta) {
            deltas.merge(status + "\u0000" + rank, delta, Long::sum);
        }

        void apply(Handle handle) {
            for (Map.Entry<String, Long> delta : deltas.entrySet()) {
                if (delta.getValue() == 0) {
                    continue;
                }
                String[] key = delta.getKey().split("\u0000");
                // one statement on both stores: SQLite and PostgreSQL share the upsert syntax
                handle.createUpdate("INSERT INTO finding_counts (org_id, category, status, severity_rank, n)"
                                + " VALUES (:org, :category, :status, :rank, :delta) ON CONFLICT (org_id, category,"
                                + " status, severity_rank) DO UPDATE SET n = finding_counts.n + excluded.n")
                        .bind("org", orgId)
                        .bind("category", category)
                        .bind("status", key[0])
                        .bind("rank", Integer.parseInt(key[1]))
                        .bind("delta", delta.getValue())
                        .execute();
            }
        }
    }

    /**
     * Changes to a running-counts table of one category keyed by a value of its findings ({@code vulnerability_counts}
     * by rule, {@code package_counts} by package: unresolved findings by severity rank, and the number of resources
     * with one) made by one scan, per resource, applied in its transaction.
     */
    private static final class KeyCounts {
        private static final int RANKS = Severity.values().length;
        private final String table;
        private final String column;
        private final String value;
        private final String join;
        private final String orgId;
        private final String category;
        private final java.util.Set<String> fresh;
        // resource → key → change per rank
        private final Map<String, Map<String, long[]>> deltas = new java.util.TreeMap<>();

        /**
         * @param column the key's column in {@code table}
         * @param value the key read from a finding {@code f} (and {@code join}ed tables)
         * @param fresh resources that had no unresolved finding of the category before the scan
         */
        KeyCounts(
                String table,
                String column,
                String value,
                String join,
                String orgId,
                String category,
                java.util.Set<String> fresh) {
            this.table = table;
            this.column = column;
            this.value = value;
            this.join = join;
            this.orgId = orgId;
            this.category = category;
            this.fresh = fresh;
        }

        /** The changes of all keys together, per resource and severity rank: the resources' own. */
        Map<String, long[]> totals() {
            Map<String, long[]> totals = new HashMap<>();
            deltas.forEach((resource, keys) -> {
                long[] sum = totals.computeIfAbsent(resource, r -> new long[RANKS]);
                keys.values().forEach(ranks -> {
                    for (int rank = 0; rank < RANKS; rank++) {
                        sum[rank] += ranks[rank];
                    }
                });
            });
            return totals;
        }

        /** Counts a finding of {@code key} entering (+1) or leaving (-1) {@code status}; resolved ones don't count. */
        void add(String resourceId, @Nullable String key, String status, int rank, long delta) {
            if (key != null && !status.equals("resolved")) {
                deltas.computeIfAbsent(resourceId, r -> new java.util.TreeMap<>())
                        .computeIfAbsent(key, k -> new long[RANKS])[rank] += delta;
            }
        }

        void apply(Handle handle) {
            // per key: the change of findings per rank, and of the resources having one
            Map<String, long[]> ranksByKey = new java.util.TreeMap<>();
            Map<String, Long> resourcesByKey = new HashMap<>();
            List<String> unread = new ArrayList<>();
            Map<String, Map<String, Long>> changed = new HashMap<>();
            deltas.forEach((resource, keys) -> keys.forEach((key, ranks) -> {
                long[] sum = ranksByKey.computeIfAbsent(key, k -> new long[RANKS]);
                for (int rank = 0; rank < RANKS; rank++) {
                    sum[rank] += ranks[rank];
                }
                long total = java.util.Arrays.stream(ranks).sum();
                if (total != 0) {
                    changed.computeIfAbsent(resource, r -> new HashMap<>()).put(key, total);
                }
            }));
            // Whether a resource still has (or now has) a finding of a key is read back after the changes: the
            // resource's findings of other scopes may carry the same key.
            Map<String, Map<String, Long>> after = new HashMap<>();
            changed.forEach((resource, keys) -> {
                if (fresh.contains(resource)) {
                    after.put(resource, keys); // nothing before, so the changes are all there is
                } else {
                    unread.add(resource);
                }
            });
            for (int from = 0; from < unread.size(); from += 500) {
                handle.createQuery("SELECT f.resource_id, " + value + ", COUNT(*) FROM findings f" + join
                                + " WHERE f.org_id = :org AND f.resource_id IN (<resources>) AND f.category ="
                                + " :category AND f.status <> 'resolved' GROUP BY f.resource_id, " + value)
                        .bind("org", orgId)
                        .bind("category", category)
                        .bindList("resources", unread.subList(from, Math.min(unread.size(), from + 500)))
                        .map((rs, ctx) -> after.computeIfAbsent(rs.getString(1), r -> new HashMap<>())
                                .put(rs.getString(2), rs.getLong(3)))
                        .list();
            }
            changed.forEach((resource, keys) -> keys.forEach((key, total) -> {
                long now = after.getOrDefault(resource, Map.of()).getOrDefault(key, 0L);
                long before = now - total;
                resourcesByKey.merge(key, (long) ((now > 0 ? 1 : 0) - (before > 0 ? 1 : 0)), Long::sum);
            }));
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO " + table + " (org_id, category, " + column + ", findings, resources, max_rank");
            for (int rank = 0; rank < RANKS; rank++) {
                sql.append(", rank").append(rank);
            }
            sql.append(") VALUES (:org, :category, :key, :findings, :resources, :max");
            for (int rank = 0; rank < RANKS; rank++) {
                sql.append(", :rank").append(rank);
            }
            sql.append(") ON CONFLICT (org_id, category, " + column + ") DO UPDATE SET findings = " + table
                    + ".findings + excluded.findings, resources = " + table + ".resources + excluded.resources");
            for (int rank = 0; rank < RANKS; rank++) {
                sql.append(", rank%1$d = %2$s.rank%1$d + excluded.rank%1$d".formatted(rank, table));
            }
            // the SET expressions read the row as it was, so the worst rank is computed from old + delta
            sql.append(", max_rank = CASE");
            for (int rank = RANKS - 1; rank >= 0; rank--) {
                sql.append(" WHEN %2$s.rank%1$d + excluded.rank%1$d > 0 THEN %1$d".formatted(rank, table));
            }
            sql.append(" ELSE -1 END");
            PreparedBatch batch = handle.prepareBatch(sql.toString());
            for (Map.Entry<String, long[]> entry : ranksByKey.entrySet()) {
                long[] ranks = entry.getValue();
                long sum = java.util.Arrays.stream(ranks).sum();
                long resources = resourcesByKey.getOrDefault(entry.getKey(), 0L);
                if (sum == 0 && resources == 0 && java.util.Arrays.stream(ranks).allMatch(d -> d == 0)) {
                    continue;
                }
                int max = -1;
                for (int rank = RANKS - 1; rank >= 0 && max < 0; rank--) {
                    if (ranks[rank] > 0) {
                        max = rank;
                    }
                }
                batch.bind("org", orgId)
                        .bind("category", category)
                        .bind("key", entry.getKey())
                        .bind("findings", sum)
                        .bind("resources", resources)
                        .bind("max", max);
                for (int rank = 0; rank < RANKS; rank++) {
                    batch.bind("rank" + rank, ranks[rank]);
                }
                batch.add();
            }
            if (batch.size() > 0) {
                batch.execute();
            }
        }
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
     * The columns of a listed finding read from {@code findings}; a page's vulnerability details are read after it,
     * by key, so every list keeps the plan it had when they were columns of {@code findings}.
     */
    private static final String ROW_COLUMNS = "id, category, rule_id, title, severity, status, resource_id,"
            + " resource_type, resource_name, first_seen, last_seen, resolved_at, muted_reason, muted_until, assignee,"
            + " severity_rank";

    /** The findings with a package of this name (bound as {@code :package}), through the details' package index. */
    static final String WITH_PACKAGE =
            "id IN (SELECT finding_id FROM vulnerability_details WHERE org_id = :org AND package_name = :package)";

    private static final String ROW_ORDER = " ORDER BY severity_rank DESC, last_seen DESC, id DESC";

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
            where.append(" AND ").append(WITH_PACKAGE);
            binds.put("package", filter.pkg());
        }
        if (filter.assignee() != null) {
            where.append(" AND assignee = :assignee");
            binds.put("assignee", filter.assignee().toLowerCase(Locale.ROOT));
        }
        String statusWhere = filter.statuses().isEmpty() ? "" : " AND status IN (<statuses>)";
        String untexted = where.toString();
        List<String> branches = filter.text() == null ? List.of() : textBranches(sqlite, filter.text(), binds);
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
            if (moreMatchThan(handle, countCap, branches, untexted + statusWhere, binds, filter)) {
                // so many match (a word of every title, two letters) that collecting them all by key to count and
                // sort them would read most findings: the first page comes from walking the list index in its order,
                // checking each finding, which finds a page quickly when this many match
                binds.remove("match");
                where.append(" AND ").append(scanCondition(sqlite, "findings"));
                capped = true;
                if (!sqlite) {
                    // PostgreSQL cannot know how many findings contain a text and, guessing a few, would read and
                    // sort every finding (0.3-0.4 s); it is known to be many, so the list index is walked
                    handle.execute("SET LOCAL enable_seqscan = off");
                    handle.execute("SET LOCAL enable_bitmapscan = off");
                }
            } else {
                where.append(" AND ").append(anyBranch(sqlite, branches));
            }
        }
        return page(handle, orgId, filter, binds, " FROM findings" + where, whereCounted, statusWhere, counted, capped);
    }

    /**
     * Whether more than {@code cap} findings meet the branches of a text condition (any of them) and the other
     * conditions. Matching findings are read until one more than the cap is seen: first among the first twice the
     * cap findings meeting the other conditions, each checked (a text in most findings ends here; its title branch
     * would first collect every rule its titles occur with), then from the branches' index lookups. A finding can
     * come from all five sources, so five times the cap plus one rows hold more than the cap distinct ones: the
     * query stops there at the latest (PostgreSQL reads through a cursor in the search's transaction).
     */
    private boolean moreMatchThan(
            Handle handle, int cap, List<String> branches, String where, Map<String, Object> binds, Filter filter) {
        String key = sqlite ? "rowid" : "id";
        List<String> sources = new ArrayList<>();
        sources.add("SELECT k FROM (SELECT " + key + " AS k, org_id, id, title, rule_id, resource_name FROM findings"
                + where + " LIMIT :window) recent WHERE " + scanCondition(sqlite, "recent"));
        branches.forEach(branch -> sources.add("SELECT " + key + " FROM findings" + where + " AND " + branch));
        long limit = 5L * (cap + 1);
        if (!sqlite) {
            // each branch driven by its few matching values through the findings' indexes, never a hash of every
            // finding of the organization (a branch matching nothing took 137 ms that way)
            handle.execute("SET LOCAL enable_hashjoin = off");
            handle.execute("SET LOCAL enable_mergejoin = off");
        }
        boolean more = readsMoreThan(handle, cap, sources, limit, binds, filter);
        if (!sqlite) {
            // the count and the list plan freely again (a failure above ends the transaction anyway)
            handle.execute("RESET enable_hashjoin");
            handle.execute("RESET enable_mergejoin");
        }
        return more;
    }

    private static boolean readsMoreThan(
            Handle handle, int cap, List<String> sources, long limit, Map<String, Object> binds, Filter filter) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (var keys = bind(
                        handle.createQuery(
                                "SELECT k FROM (" + String.join(" UNION ALL ", sources) + ") matched LIMIT :probe"),
                        binds,
                        filter)
                .bind("window", 2L * cap + 2)
                .bind("probe", limit)
                .setFetchSize(1000)
                .mapTo(String.class)
                .iterator()) {
            while (keys.hasNext()) {
                if (seen.add(keys.next()) && seen.size() > cap) {
                    return true;
                }
            }
        }
        return false;
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
                parts.add("SELECT " + ROW_COLUMNS + " FROM (SELECT " + ROW_COLUMNS + fromWhere + " AND status ="
                        + " :status" + i + after + ROW_ORDER + " LIMIT :window) part" + i);
            }
            list = handle.createQuery(String.join(" UNION ALL ", parts) + ROW_ORDER + " LIMIT :limit OFFSET :offset")
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
                    handle.createQuery("SELECT " + ROW_COLUMNS + fromWhere + statusWhere + after + ROW_ORDER
                            + " LIMIT :limit OFFSET :offset"),
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
                .map((rs, ctx) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        null,
                        null,
                        null,
                        null,
                        rs.getLong(10),
                        rs.getLong(11),
                        nullableLong(rs, 12),
                        rs.getString(13),
                        nullableLong(rs, 14),
                        rs.getString(15)))
                .list();
        rows = withDetails(handle, orgId, rows);
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

    /** The rows with their vulnerability details, read by key for the page's findings that have them. */
    private static List<Row> withDetails(Handle handle, String orgId, List<Row> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, List<@Nullable String>> details = new HashMap<>();
        handle.createQuery("SELECT finding_id, package_name, package_version, fixed_version, fix_state FROM"
                        + " vulnerability_details WHERE org_id = :org AND finding_id IN (<ids>)")
                .bind("org", orgId)
                .bindList("ids", rows.stream().map(Row::id).distinct().toList())
                .map((rs, ctx) -> details.put(
                        rs.getString(1),
                        java.util.Arrays.asList(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))))
                .list();
        if (details.isEmpty()) {
            return rows;
        }
        return rows.stream()
                .map(row -> {
                    List<@Nullable String> d = details.get(row.id());
                    return d == null
                            ? row
                            : new Row(
                                    row.id(),
                                    row.category(),
                                    row.ruleId(),
                                    row.title(),
                                    row.severity(),
                                    row.status(),
                                    row.resourceId(),
                                    row.resourceType(),
                                    row.resourceName(),
                                    d.get(0),
                                    d.get(1),
                                    d.get(2),
                                    d.get(3),
                                    row.firstSeen(),
                                    row.lastSeen(),
                                    row.resolvedAt(),
                                    row.mutedReason(),
                                    row.mutedUntil(),
                                    row.assignee());
                })
                .toList();
    }

    /**
     * Adds values to {@code search_terms} (the distinct searched values, see SearchIndexMigration) and the rules of
     * titles to {@code search_title_rules}, in sorted order. Most are there already.
     */
    private void addSearchTerms(
            Handle handle, java.util.SortedSet<String> terms, java.util.SortedSet<Map.Entry<String, String>> rules) {
        if (terms.isEmpty()) {
            return;
        }
        PreparedBatch add = handle.prepareBatch(
                sqlite
                        ? "INSERT OR IGNORE INTO search_terms (term) VALUES (:term)"
                        : "INSERT INTO search_terms (term) VALUES (:term) "
                                + vigil.server.store.SearchIndexMigration.POSTGRESQL_NEW_TERM);
        for (String term : terms) {
            add.bind("term", term).add();
        }
        add.execute();
        PreparedBatch pair = handle.prepareBatch(
                sqlite
                        ? "INSERT OR IGNORE INTO search_title_rules (title, rule_id) VALUES (:term, :rule)"
                        : "INSERT INTO search_title_rules (title, rule_id) VALUES (:term, :rule) "
                                + vigil.server.store.SearchIndexMigration.POSTGRESQL_NEW_PAIR);
        for (Map.Entry<String, String> entry : rules) {
            pair.bind("term", entry.getKey()).bind("rule", entry.getValue()).add();
        }
        if (pair.size() > 0) {
            pair.execute();
        }
    }

    /**
     * The free-text condition: the values that contain the text, from the distinct values of the searched columns
     * ({@code search_terms}, trigram-indexed), decide exactly; the findings that have them come from the columns'
     * indexes. Binds {@code :text} (and {@code :match} on SQLite).
     */
    static String textCondition(boolean sqlite, String text, Map<String, Object> binds) {
        return anyBranch(sqlite, textBranches(sqlite, text, binds));
    }

    /** The alternatives of {@link #textCondition}, one per indexed way to the findings. */
    private static List<String> textBranches(boolean sqlite, String text, Map<String, Object> binds) {
        String needle = text.toLowerCase(Locale.ROOT);
        binds.put("text", "%" + escapeLike(needle, sqlite ? '!' : '\\') + "%");
        if (sqlite && needle.codePointCount(0, needle.length()) >= 3) {
            // candidates from the FTS5 trigram index, as one phrase: operators and quotes inside are plain text
            binds.put("match", "\"" + needle.replace("\"", "\"\"") + "\"");
        }
        String contains = termsContaining(sqlite, binds);
        String hits = "(SELECT term FROM search_terms WHERE " + contains + ")";
        // rule ids, resource and package names through their own indexes; titles through the rules they occur with
        // (search_title_rules), then checked on the finding itself
        List<String> branches = List.of(
                "rule_id IN " + hits,
                "resource_name IN " + hits,
                "id IN (SELECT finding_id FROM vulnerability_details WHERE org_id = :org AND package_name IN " + hits
                        + ")",
                sqlite
                        ? "rule_id IN (SELECT rule_id FROM search_title_rules WHERE title IN " + hits
                                + ") AND title IN " + hits
                        // PostgreSQL keys the pairs by the title's digest (see SearchIndexMigration)
                        : "rule_id IN (SELECT rule_id FROM search_title_rules WHERE md5(title) IN (SELECT md5(term) FROM"
                                + " search_terms WHERE " + contains + ")) AND title IN " + hits);
        return branches;
    }

    /** Any of a text condition's branches. */
    private static String anyBranch(boolean sqlite, List<String> branches) {
        // Both planners, costing the OR of IN lists as a whole, walked the list index (SQLite) or filtered every
        // finding through hashed subplans (PostgreSQL: 0.8 s for a text found nowhere); the keys from one indexed
        // lookup per branch are what they should read, so they are told. PostgreSQL gets them as an array computed
        // once: as an IN list, tables not analyzed yet (estimated at one row) made it run the lookups again for
        // every finding.
        String key = sqlite ? "rowid" : "id";
        String keys = String.join(
                " UNION ALL ",
                branches.stream()
                        .map(branch -> "SELECT " + key + " FROM findings WHERE org_id = :org AND " + branch)
                        .toList());
        return sqlite ? "rowid IN (" + keys + ")" : "id = ANY(ARRAY(" + keys + "))";
    }

    /** The condition on {@code search_terms} for the text {@link #textCondition} bound (through FTS5 when it could). */
    private static String termsContaining(boolean sqlite, Map<String, Object> binds) {
        // SQLite: LIKE alone ignores case as LOWER(..) LIKE would (see scanCondition)
        String like = sqlite ? "term LIKE :text ESCAPE '!'" : "LOWER(term) LIKE :text";
        return binds.containsKey("match")
                ? "term_id IN (SELECT rowid FROM search_term_text WHERE search_term_text MATCH :match) AND " + like
                : like;
    }

    /**
     * The text in any searched column, checked on the finding itself. SQLite's LIKE ignores the case of ASCII
     * letters, and its LOWER only lowers those, so there LIKE alone (escape '!') means what LOWER(..) LIKE means,
     * without a function call per column and row.
     */
    private static String scanCondition(boolean sqlite, String findings) {
        // the package name last, as the only one read from another table (by key, when the others did not match)
        String pkg = "EXISTS (SELECT 1 FROM vulnerability_details d WHERE d.org_id = " + findings + ".org_id AND"
                + " d.finding_id = " + findings + ".id AND ";
        if (!sqlite) {
            return "(LOWER(title) LIKE :text OR LOWER(rule_id) LIKE :text OR LOWER(resource_name) LIKE :text OR " + pkg
                    + "LOWER(d.package_name) LIKE :text))";
        }
        return "(title LIKE :text ESCAPE '!' OR rule_id LIKE :text ESCAPE '!' OR resource_name LIKE :text ESCAPE '!'"
                + " OR " + pkg + "d.package_name LIKE :text ESCAPE '!'))";
    }

    /** {@code text} with LIKE's wildcards and the escape character taken literally. */
    static String escapeLike(String text, char escape) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == escape) {
                escaped.append(escape);
            }
            escaped.append(c);
        }
        return escaped.toString();
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
    public List<Map<String, Object>> groups(String orgId, String by, int limit) {
        return groups(orgId, by, limit, 0).rows();
    }

    /** One page of groups and how many groups there are in all. */
    public record Groups(long total, List<Map<String, Object>> rows) {
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
                        .map((rs, ctx) -> {
                            Map<String, Object> group = new LinkedHashMap<>();
                            group.put("key", rs.getString(1));
                            group.put("findings", rs.getLong(2));
                            group.put("severity", Severity.values()[rs.getInt(3)].name());
                            group.put("resources", rs.getLong(4));
                            return group;
                        })
                        .list()));
    }

    /**
     * Hosts (and root filesystems and SBOMs) or images of an organization, one row per resource with an inventory:
     * its unresolved vulnerability findings, worst severity and scan state (ADR 0029). Resources that could not be scanned come
     * first, then the most exposed.
     */
    public Groups resources(String orgId, boolean images, int limit, int offset) {
        String kind = images ? " AND i.resource_type = 'container_image'" : " AND i.resource_type <> 'container_image'";
        String worst = "CASE WHEN c.rank5 > 0 THEN 5 WHEN c.rank4 > 0 THEN 4 WHEN c.rank3 > 0 THEN 3 WHEN c.rank2 > 0"
                + " THEN 2 WHEN c.rank1 > 0 THEN 1 WHEN c.rank0 > 0 THEN 0 ELSE -1 END";
        long now = clock.millis();
        return jdbi.withHandle(handle -> new Groups(
                handle.createQuery("SELECT COUNT(*) FROM inventories i WHERE i.org_id = :org" + kind)
                        .bind("org", orgId)
                        .mapTo(Long.class)
                        .one(),
                handle.createQuery("SELECT i.resource_id, i.resource_name, COALESCE(c.findings, 0), " + worst
                                + ", i.scan_state, i.scan_note, i.scanned_at FROM inventories i LEFT JOIN"
                                + " resource_counts c ON c.org_id = i.org_id AND c.category = 'vulnerability' AND"
                                + " c.resource_id = i.resource_id WHERE"
                                + " i.org_id = :org" + kind + " ORDER BY CASE WHEN i.scan_state = 'not_scanned' THEN 1"
                                + " ELSE 0 END DESC, " + worst + " DESC, COALESCE(c.findings, 0) DESC,"
                                + " i.resource_name, i.resource_id LIMIT :limit OFFSET :offset")
                        .bind("org", orgId)
                        .bind("limit", limit)
                        .bind("offset", offset)
                        .map((rs, ctx) -> {
                            Map<String, Object> resource = new LinkedHashMap<>();
                            resource.put("id", rs.getString(1));
                            resource.put("key", rs.getString(2));
                            resource.put("findings", rs.getLong(3));
                            int rank = rs.getInt(4);
                            resource.put("severity", rank < 0 ? "" : Severity.values()[rank].name());
                            resource.put("resources", 1L);
                            resource.put(
                                    "scan", ScanState.describe(rs.getString(5), rs.getString(6), rs.getLong(7), now));
                            return resource;
                        })
                        .list()));
    }

    private static Query bind(Query query, Map<String, Object> binds, Filter filter) {
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

    private static @Nullable Long nullableLong(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** Mutes a finding of {@code orgId}; false when the organization has no such finding. */
    public boolean mute(String orgId, String findingId, String reason, @Nullable Long until, String actor) {
        return transition(orgId, findingId, "muted", reason, until, actor);
    }

    public boolean unmute(String orgId, String findingId, String actor) {
        return transition(orgId, findingId, "open", null, null, actor);
    }

    /**
     * Mutes ({@code to = muted}, from open or muted) or unmutes ({@code to = open}, from muted) one finding, keeping
     * the counts; the update names the status it read, so of two racing changes only one counts.
     */
    private boolean transition(
            String orgId, String findingId, String to, @Nullable String reason, @Nullable Long until, String actor) {
        long now = clock.millis();
        return jdbi.inTransaction(handle -> {
            record Current(String status, int rank, String category) {}
            Optional<Current> current = handle.createQuery("SELECT status, severity_rank, category FROM findings"
                            + " WHERE org_id = :org AND id = :id")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .map((rs, ctx) -> new Current(rs.getString(1), rs.getInt(2), rs.getString(3)))
                    .findOne();
            boolean allowed = current.isPresent()
                    && (to.equals("muted")
                            ? !current.get().status().equals("resolved")
                            : current.get().status().equals("muted"));
            if (!allowed) {
                return false;
            }
            int changed = handle.createUpdate("UPDATE findings SET status = :to, muted_reason = :reason, muted_until ="
                            + " :until WHERE org_id = :org AND id = :id AND status = :from")
                    .bind("to", to)
                    .bind("reason", reason == null ? null : truncate(reason, 1000))
                    .bind("until", until)
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .bind("from", current.get().status())
                    .execute();
            if (changed == 0) {
                return false;
            }
            Counts counts = new Counts(orgId, current.get().category());
            counts.add(current.get().status(), current.get().rank(), -1);
            counts.add(to, current.get().rank(), 1);
            counts.apply(handle);
            event(handle, orgId, findingId, now, to.equals("muted") ? "muted" : "unmuted", actor, reason);
            return true;
        });
    }

    /**
     * Assigns a finding to a user of the same organization (null clears it); false when the organization has no
     * such finding or no such user.
     */
    public boolean assign(String orgId, String findingId, @Nullable String assignee, String actor) {
        long now = clock.millis();
        return jdbi.inTransaction(handle -> {
            if (assignee != null) {
                boolean member =
                        handle.createQuery("SELECT COUNT(*) FROM users WHERE org_id = :org AND email =" + " :email")
                                        .bind("org", orgId)
                                        .bind("email", assignee.toLowerCase(java.util.Locale.ROOT))
                                        .mapTo(Long.class)
                                        .one()
                                > 0;
                if (!member) {
                    return false;
                }
            }
            int changed = handle.createUpdate(
                            "UPDATE findings SET assignee = :assignee WHERE org_id = :org AND id = :id")
                    .bind("assignee", assignee == null ? null : assignee.toLowerCase(java.util.Locale.ROOT))
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .execute();
            if (changed > 0) {
                event(
                        handle,
                        orgId,
                        findingId,
                        now,
                        assignee == null ? "unassigned" : "assigned",
                        actor,
                        assignee == null ? null : assignee.toLowerCase(java.util.Locale.ROOT));
            }
            return changed > 0;
        });
    }

    /** A finding's history, oldest first; empty when the organization has no such finding. */
    public Optional<List<Map<String, Object>>> history(String orgId, String findingId) {
        return jdbi.withHandle(handle -> {
            boolean exists = handle.createQuery("SELECT COUNT(*) FROM findings WHERE org_id = :org AND id = :id")
                            .bind("org", orgId)
                            .bind("id", findingId)
                            .mapTo(Long.class)
                            .one()
                    > 0;
            if (!exists) {
                return Optional.empty();
            }
            List<Map<String, Object>> events = new ArrayList<>();
            long firstSeen = handle.createQuery("SELECT first_seen FROM findings WHERE org_id = :org AND id = :id")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .mapTo(Long.class)
                    .one();
            Map<String, Object> opened = new LinkedHashMap<>();
            opened.put("at", java.time.Instant.ofEpochMilli(firstSeen).toString());
            opened.put("kind", "opened");
            opened.put("actor", null);
            opened.put("detail", null);
            events.add(opened);
            handle.createQuery("SELECT at, kind, actor, detail FROM finding_events WHERE org_id = :org AND"
                            + " finding_id = :id ORDER BY at")
                    .bind("org", orgId)
                    .bind("id", findingId)
                    .map((rs, ctx) -> {
                        Map<String, Object> event = new LinkedHashMap<>();
                        event.put(
                                "at",
                                java.time.Instant.ofEpochMilli(rs.getLong(1)).toString());
                        event.put("kind", rs.getString(2));
                        event.put("actor", rs.getString(3));
                        event.put("detail", rs.getString(4));
                        events.add(event);
                        return 0;
                    })
                    .list();
            return Optional.of(events);
        });
    }

    private static void event(
            Handle handle,
            String orgId,
            String findingId,
            long at,
            String kind,
            @Nullable String actor,
            @Nullable String detail) {
        handle.createUpdate("INSERT INTO finding_events (org_id, finding_id, at, kind, actor, detail)"
                        + " VALUES (:org, :id, :at, :kind, :actor, :detail)")
                .bind("org", orgId)
                .bind("id", findingId)
                .bind("at", at)
                .bind("kind", kind)
                .bind("actor", actor)
                .bind("detail", detail == null ? null : truncate(detail, 2000))
                .execute();
    }

    /** The evidence as the JSON stored with a finding (ADR 0034: the codec keeps the shape stored before it). */
    static String evidenceJson(Evidence evidence) {
        return EvidenceCodec.encode(evidence);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
