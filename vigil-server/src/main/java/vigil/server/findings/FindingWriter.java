package vigil.server.findings;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.EvidenceCodec;
import vigil.model.finding.Finding;
import vigil.model.finding.Scope;

/**
 * Writes scan results. A complete result replaces what is known of its category in its scope (a resource, an
 * account; a stream only appends, ADR 0033): new findings open, seen ones are refreshed (a resolved one reopens), and
 * open ones the result no longer reports are resolved. Mutes survive rescans until they expire. Every later change is
 * an event. The running counts per category and the search terms change in the same transaction.
 */
public final class FindingWriter {
    private final Clock clock;
    /** SQLite adds search terms with INSERT OR IGNORE, PostgreSQL with ON CONFLICT. */
    private final boolean sqlite;

    public FindingWriter(Jdbi jdbi, Clock clock) {
        this.clock = clock;
        this.sqlite = FindingSql.isSqlite(jdbi);
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
        ScanChanges changes = new ScanChanges(handle, orgId, scope, category, now, fresh);
        // one small method per finding rather than one long loop: the JIT compiles each soon after start-up, where a
        // loop body inside this method waited for an on-stack replacement of the whole (ADR 0043)
        for (Finding finding : unique.values()) {
            Known previous = known.remove(finding.id());
            if (previous == null) {
                changes.open(finding);
            } else {
                changes.refresh(finding, previous);
            }
        }
        changes.writeSeen();
        addSearchTerms(
                handle,
                changes.terms.stream().sorted().toList(),
                changes.titleRules.stream()
                        .sorted(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                        .toList());
        // what is left of the scope's findings the result no longer reports (none for a stream: only its own were read)
        if (scope.replaces()) {
            known.forEach(changes::resolve);
        }
        return changes.apply();
    }

    /** The changes one complete scan makes, gathered finding by finding and written in batches. */
    private static final class ScanChanges {
        private final Handle handle;
        private final String orgId;
        private final Scope scope;
        private final String category;
        private final long now;
        private final RowBatch insert;
        private final RowBatch insertDetails;
        // the title only when it changed: rewriting it would update its index and the search terms for nothing
        private final PreparedBatch retitle;
        private final RowBatch update;
        // the details only when they changed: a rescan mostly finds the same versions
        private final RowBatch updateDetails;
        private final PreparedBatch events;
        private final PreparedBatch resolve;
        private int opened;
        private int reopened;
        private int refreshed;
        private int resolved;
        private final List<Finding> raised = new ArrayList<>();
        private final List<Finding> reopenedFindings = new ArrayList<>();
        private final StatusCounts counts;
        private final KeyCounts rules;
        private final KeyCounts packages;
        // the type and name of each resource the result reports, for its row of resource_counts
        private final Map<String, Map.Entry<String, String>> resources = new HashMap<>();
        // the searched values of new and retitled findings, and the rules their titles occur with, added to the
        // search index once per scan; collected unsorted and sorted once (a TreeSet per add cost more than the rest
        // of the loop)
        final java.util.Set<String> terms = new java.util.HashSet<>();
        final java.util.Set<Map.Entry<String, String>> titleRules = new java.util.HashSet<>();

        ScanChanges(
                Handle handle, String orgId, Scope scope, Category category, long now, java.util.Set<String> fresh) {
            this.handle = handle;
            this.orgId = orgId;
            this.scope = scope;
            this.category = category.wireName();
            this.now = now;
            insert = new RowBatch(
                    handle,
                    "INSERT INTO findings (org_id, id, category, rule_id, title, severity, severity_rank, status,"
                            + " resource_id, resource_type, resource_name, scope_kind, scope_id, evidence,"
                            + " remediation, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?,"
                            + " ?, ?, ?, ?, ?)");
            insertDetails = new RowBatch(
                    handle,
                    "INSERT INTO vulnerability_details (org_id, finding_id, package_name, package_version,"
                            + " fixed_version, fix_state) VALUES (?, ?, ?, ?, ?, ?)");
            retitle = handle.prepareBatch("UPDATE findings SET title = :title WHERE org_id = :org AND id = :id");
            update = new RowBatch(
                    handle,
                    "UPDATE findings SET severity = ?, severity_rank = ?, status = ?, resolved_at = NULL,"
                            + " evidence = ?, remediation = ?, last_seen = ? WHERE org_id = ? AND id = ?");
            updateDetails = new RowBatch(
                    handle,
                    "UPDATE vulnerability_details SET package_version = ?, fixed_version = ?, fix_state = ?"
                            + " WHERE org_id = ? AND finding_id = ?");
            events = handle.prepareBatch("INSERT INTO finding_events (org_id, finding_id, at, kind, actor,"
                    + " detail) VALUES (:org, :id, :now, :kind, NULL, NULL)");
            resolve = handle.prepareBatch("UPDATE findings SET status = 'resolved', resolved_at = :now"
                    + " WHERE org_id = :org AND id = :id");
            counts = new StatusCounts(orgId, this.category);
            rules = new KeyCounts("vulnerability_counts", "rule_id", "f.rule_id", "", orgId, this.category, fresh);
            packages = new KeyCounts(
                    "package_counts",
                    "package_name",
                    "d.package_name",
                    " JOIN vulnerability_details d ON d.org_id = f.org_id AND d.finding_id = f.id",
                    orgId,
                    this.category,
                    fresh);
        }

        /** A finding the scope did not have. */
        void open(Finding finding) {
            Evidence.VulnerablePackage pkg = finding.evidence() instanceof Evidence.VulnerablePackage p ? p : null;
            String title = FindingSql.truncate(finding.rule().title(), 1000);
            int rank = finding.rule().severity().ordinal();
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
                insertDetails.add(
                        orgId,
                        finding.id(),
                        pkg.packageName(),
                        pkg.installedVersion(),
                        pkg.fixedVersion(),
                        pkg.fixState().name());
            }
            insert.add(
                    orgId,
                    finding.id(),
                    category,
                    finding.rule().id(),
                    title,
                    finding.rule().severity().name(),
                    rank,
                    resourceId,
                    finding.resource().type(),
                    finding.resource().name(),
                    scope.kind(),
                    scope.id(),
                    evidenceJson(finding.evidence()),
                    remediation(finding),
                    now,
                    now);
            opened++;
            raised.add(firstSeenAt(finding, now)); // as stored: a later reopening reports the same time
            counts.add("open", rank, 1);
            rules.add(resourceId, finding.rule().id(), "open", rank, 1);
            packages.add(resourceId, pkg == null ? null : pkg.packageName(), "open", rank, 1);
            // no event row: first_seen is the "opened" event, and history() reports it from there
        }

        /** A finding the scope had: refreshed, or reopened when it was resolved. */
        void refresh(Finding finding, Known previous) {
            Evidence.VulnerablePackage pkg = finding.evidence() instanceof Evidence.VulnerablePackage p ? p : null;
            String title = FindingSql.truncate(finding.rule().title(), 1000);
            int rank = finding.rule().severity().ordinal();
            String version = pkg == null ? null : pkg.installedVersion();
            String fixed = pkg == null ? null : pkg.fixedVersion();
            String fixState = pkg == null ? null : pkg.fixState().name();
            resources.putIfAbsent(
                    previous.resourceId(),
                    Map.entry(finding.resource().type(), finding.resource().name()));
            boolean stillMuted =
                    previous.status().equals("muted") && (previous.mutedUntil() == null || previous.mutedUntil() > now);
            String status = stillMuted ? "muted" : "open";
            update.add(
                    finding.rule().severity().name(),
                    rank,
                    status,
                    evidenceJson(finding.evidence()),
                    remediation(finding),
                    now,
                    orgId,
                    finding.id());
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

        /** Writes the new and refreshed findings gathered so far. */
        void writeSeen() {
            insert.execute();
            insertDetails.execute();
            update.execute();
            updateDetails.execute();
            if (retitle.size() > 0) {
                retitle.execute();
            }
        }

        /** A finding of the scope that the result no longer reports. */
        void resolve(String id, Known was) {
            if (was.status().equals("resolved")) {
                return;
            }
            resolve.bind("now", now).bind("org", orgId).bind("id", id).add();
            events.bind("org", orgId).bind("id", id).bind("now", now).bind("kind", "resolved");
            events.add();
            counts.add(was.status(), was.rank(), -1);
            counts.add("resolved", was.rank(), 1);
            rules.add(was.resourceId(), was.rule(), was.status(), was.rank(), -1);
            packages.add(was.resourceId(), was.pkg(), was.status(), was.rank(), -1);
            resolved++;
        }

        /** Writes the resolutions, events and counts, and tells what the scan changed. */
        Outcome apply() {
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
                applyResourceCounts(handle, orgId, category, resourceId, named.getKey(), named.getValue(), ranks);
            });
            return new Outcome(opened, reopened, refreshed, resolved, raised, reopenedFindings);
        }

        private static @Nullable String remediation(Finding finding) {
            return finding.remediation() == null ? null : FindingSql.truncate(finding.remediation(), 2000);
        }
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

    /**
     * Adds values to {@code search_terms} (the distinct searched values, see SearchIndexMigration) and the rules of
     * titles to {@code search_title_rules}, each given in sorted order. Most are there already.
     *
     * <p>SQLite takes each set in one statement, its values as one JSON array: every statement that fires the
     * terms' trigger opens a statement savepoint, at which FTS5 writes what it holds in memory as a new segment and
     * merges segments. Row by row, the first host of a new store (8,400 new terms) wrote 8,400 one-term segments and
     * spent 0.7-1.4 s merging them; in one statement FTS5 writes one segment at the commit (ADR 0036).
     */
    private void addSearchTerms(Handle handle, List<String> terms, List<Map.Entry<String, String>> rules) {
        if (terms.isEmpty()) {
            return;
        }
        if (sqlite) {
            // json_each yields the array's elements in order: terms get their ids in sorted order, as row by row
            handle.createUpdate("INSERT OR IGNORE INTO search_terms (term) SELECT value FROM json_each(:terms)")
                    .bind("terms", JSON.writeValueAsString(terms))
                    .execute();
            if (!rules.isEmpty()) {
                handle.createUpdate("INSERT OR IGNORE INTO search_title_rules (title, rule_id) SELECT"
                                + " json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs)")
                        .bind(
                                "pairs",
                                JSON.writeValueAsString(rules.stream()
                                        .map(pair -> List.of(pair.getKey(), pair.getValue()))
                                        .toList()))
                        .execute();
            }
            return;
        }
        PreparedBatch add = handle.prepareBatch("INSERT INTO search_terms (term) VALUES (:term) "
                + vigil.server.store.SearchIndexMigration.POSTGRESQL_NEW_TERM);
        for (String term : terms) {
            add.bind("term", term).add();
        }
        add.execute();
        PreparedBatch pair =
                handle.prepareBatch("INSERT INTO search_title_rules (title, rule_id) VALUES (:term, :rule) "
                        + vigil.server.store.SearchIndexMigration.POSTGRESQL_NEW_PAIR);
        for (Map.Entry<String, String> entry : rules) {
            pair.bind("term", entry.getKey()).bind("rule", entry.getValue()).add();
        }
        if (pair.size() > 0) {
            pair.execute();
        }
    }

    /** Writes the JSON arrays of {@link #addSearchTerms}. */
    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /** The evidence as the JSON stored with a finding (ADR 0034: the codec keeps the shape stored before it). */
    static String evidenceJson(Evidence evidence) {
        return EvidenceCodec.encode(evidence);
    }
}
