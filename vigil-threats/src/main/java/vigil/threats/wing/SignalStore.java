package vigil.threats.wing;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.finding.Evidence;
import vigil.model.finding.EvidenceCodec;
import vigil.server.findings.Triage;

/**
 * The SQL of the Threats wing's tables (ADR 0046): signals with their state and its history, mutes, and each host's
 * latest sensor state. Every query is scoped by organization. Pages and routes read through it; only the section
 * handler writes signals, in the batch's transaction.
 */
public final class SignalStore {
    /** The states of a signal; a later batch never changes one, only a person. */
    public static final List<String> STATES = List.of("open", "acknowledged", "archived");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "s.signal_id, s.finding_id, s.host_id, s.host_name, s.rule_id, s.severity,"
            + " s.mitre_tactic, s.mitre_technique, s.event_type, s.process_path, s.container_image, s.at,"
            + " s.event_count, s.received_at, s.state, s.state_at, s.state_by, s.muted_by";

    private final Jdbi jdbi;
    private final Triage triage;
    private final Clock clock;

    public SignalStore(Jdbi jdbi, Triage triage, Clock clock) {
        this.jdbi = jdbi;
        this.triage = triage;
        this.clock = clock;
    }

    // ---- written by the section handler, in the batch's transaction

    /** The ids among {@code ids} the organization has stored already. */
    static Set<String> known(Handle handle, String orgId, Collection<String> ids) {
        Set<String> known = new HashSet<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            handle.createQuery("SELECT signal_id FROM threat_signals WHERE org_id = :org AND signal_id IN (<ids>)")
                    .bind("org", orgId)
                    .bindList("ids", all.subList(from, Math.min(all.size(), from + 500)))
                    .mapTo(String.class)
                    .forEach(known::add);
        }
        return known;
    }

    static List<Mute> mutes(Handle handle, String orgId) {
        return handle.createQuery("SELECT id, rule_id, process_path, container_image, reason, created_by, created_at"
                        + " FROM threat_mutes WHERE org_id = :org ORDER BY created_at, id")
                .bind("org", orgId)
                .map((rs, ctx) -> new Mute(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        Instant.ofEpochMilli(rs.getLong(7))))
                .list();
    }

    /** Keeps a new signal; {@code muted} stores it archived by that mute. */
    static void insert(
            Handle handle,
            String orgId,
            Signal signal,
            String findingId,
            String hostId,
            String hostName,
            @Nullable Mute muted,
            long now) {
        Evidence.ThreatSignal evidence = signal.evidence();
        handle.createUpdate("INSERT INTO threat_signals (org_id, signal_id, finding_id, host_id, host_name, rule_id,"
                        + " severity, severity_rank, mitre_tactic, mitre_technique, event_type, process_path,"
                        + " container_image, at, event_count, received_at, state, state_at, state_by, muted_by) VALUES"
                        + " (:org, :id, :finding, :host, :hostName, :rule, :severity, :rank, :tactic, :technique,"
                        + " :eventType, :path, :image, :at, :count, :now, :state, :now, :by, :mute)")
                .bind("org", orgId)
                .bind("id", signal.id())
                .bind("finding", findingId)
                .bind("host", hostId)
                .bind("hostName", hostName)
                .bind("rule", signal.ruleId())
                .bind("severity", signal.severity().name())
                .bind("rank", signal.severity().ordinal())
                .bind("tactic", evidence.mitreTactic())
                .bind("technique", evidence.mitreTechnique())
                .bind("eventType", evidence.eventType())
                .bind("path", signal.processPath())
                .bind("image", signal.containerImage())
                .bind("at", evidence.at().toEpochMilli())
                .bind("count", evidence.count())
                .bind("now", now)
                .bind("state", muted == null ? "open" : "archived")
                .bind("by", muted == null ? null : "mute " + muted.id())
                .bind("mute", muted == null ? null : muted.id())
                .execute();
        if (muted != null) {
            event(
                    handle,
                    orgId,
                    signal.id(),
                    now,
                    null,
                    "archived",
                    "mute " + muted.id(),
                    "muted by " + muted.describe());
        }
    }

    static void event(
            Handle handle,
            String orgId,
            String signalId,
            long at,
            @Nullable String from,
            String to,
            String actor,
            @Nullable String detail) {
        handle.createUpdate("INSERT INTO threat_signal_events (org_id, signal_id, at, from_state, to_state, actor,"
                        + " detail) VALUES (:org, :id, :at, :from, :to, :actor, :detail)")
                .bind("org", orgId)
                .bind("id", signalId)
                .bind("at", at)
                .bind("from", from)
                .bind("to", to)
                .bind("actor", actor)
                .bind("detail", detail)
                .execute();
    }

    /** Keeps the host's latest sensor state. */
    static void sensor(Handle handle, String orgId, String hostId, String hostName, Sensor sensor, long now) {
        var values = Map.<String, Object>of(
                "org", orgId,
                "host", hostId,
                "hostName", hostName,
                "state", sensor.state(),
                "source", sensor.source(),
                "hooks", JSON.writeValueAsString(sensor.hooks()),
                "events", sensor.events(),
                "lost", JSON.writeValueAsString(sensor.lost()),
                "lostTotal", sensor.lostTotal(),
                "drops", sensor.approverDrops());
        int updated = handle.createUpdate("UPDATE threat_sensors SET host_name = :hostName, state = :state, reason ="
                        + " :reason, source = :source, hooks = :hooks, since = :since, events = :events, lost = :lost,"
                        + " lost_total = :lostTotal, approver_drops = :drops, suppressed = :suppressed, reported_at ="
                        + " :now WHERE org_id = :org AND host_id = :host")
                .bindMap(values)
                .bind("reason", sensor.reason())
                .bind("since", sensor.since() == null ? null : sensor.since().toEpochMilli())
                .bind("suppressed", sensor.suppressed())
                .bind("now", now)
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO threat_sensors (org_id, host_id, host_name, state, reason, source, hooks,"
                            + " since, events, lost, lost_total, approver_drops, suppressed, reported_at) VALUES (:org,"
                            + " :host, :hostName, :state, :reason, :source, :hooks, :since, :events, :lost, :lostTotal,"
                            + " :drops, :suppressed, :now)")
                    .bindMap(values)
                    .bind("reason", sensor.reason())
                    .bind(
                            "since",
                            sensor.since() == null ? null : sensor.since().toEpochMilli())
                    .bind("suppressed", sensor.suppressed())
                    .bind("now", now)
                    .execute();
        }
    }

    // ---- read by pages and routes

    /**
     * What a list is narrowed to; null leaves a dimension open. {@code from} and {@code to} bound the signal's time
     * ({@code to} excluded).
     */
    public record Filter(
            @Nullable String rule,
            @Nullable String severity,
            @Nullable String tactic,
            @Nullable String host,
            @Nullable String image,
            @Nullable String process,
            @Nullable String state,
            @Nullable Instant from,
            @Nullable Instant to) {
        public static Filter none() {
            return new Filter(null, null, null, null, null, null, null, null, null);
        }
    }

    /** A page of signals, newest first; {@code next} is the cursor of the page after it, null on the last. */
    public record Page(List<SignalRow> signals, @Nullable String next) {}

    /** The signals the filter keeps, newest first, after {@code cursor} (a page's {@code next}). */
    public Page list(String orgId, Filter filter, @Nullable String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM threat_signals s WHERE s.org_id = :org");
        Map<String, Object> binds = new LinkedHashMap<>();
        where(filter, sql, binds);
        Optional<Map.Entry<Long, String>> after = cursor == null ? Optional.empty() : cursor(cursor);
        if (after.isPresent()) {
            sql.append(" AND (s.at < :cursorAt OR (s.at = :cursorAt AND s.signal_id < :cursorId))");
            binds.put("cursorAt", after.get().getKey());
            binds.put("cursorId", after.get().getValue());
        }
        sql.append(" ORDER BY s.at DESC, s.signal_id DESC LIMIT :limit");
        binds.put("limit", limit + 1);
        List<SignalRow> rows = jdbi.withHandle(handle -> bound(handle.createQuery(sql.toString()), orgId, binds)
                .map((rs, ctx) -> row(rs))
                .list());
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            SignalRow last = rows.getLast();
            next = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((last.time().toEpochMilli() + ":" + last.id()).getBytes(StandardCharsets.UTF_8));
        }
        return new Page(List.copyOf(rows), next);
    }

    /** Whether {@code cursor} is one {@link #list} gave. */
    public static boolean validCursor(String cursor) {
        return cursor(cursor).isPresent();
    }

    private static Optional<Map.Entry<Long, String>> cursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            return Optional.of(Map.entry(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void where(Filter filter, StringBuilder sql, Map<String, Object> binds) {
        equal(sql, binds, "s.rule_id", "rule", filter.rule());
        equal(sql, binds, "s.severity", "severity", filter.severity());
        equal(sql, binds, "s.mitre_tactic", "tactic", filter.tactic());
        equal(sql, binds, "s.container_image", "image", filter.image());
        equal(sql, binds, "s.process_path", "process", filter.process());
        equal(sql, binds, "s.state", "state", filter.state());
        if (filter.host() != null) {
            sql.append(" AND (s.host_id = :host OR s.host_name = :host)");
            binds.put("host", filter.host());
        }
        if (filter.from() != null) {
            sql.append(" AND s.at >= :from");
            binds.put("from", filter.from().toEpochMilli());
        }
        if (filter.to() != null) {
            sql.append(" AND s.at < :to");
            binds.put("to", filter.to().toEpochMilli());
        }
    }

    private static void equal(
            StringBuilder sql, Map<String, Object> binds, String column, String name, @Nullable String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = :").append(name);
            binds.put(name, value);
        }
    }

    private static Query bound(Query query, String orgId, Map<String, Object> binds) {
        query.bind("org", orgId);
        binds.forEach(query::bind);
        return query;
    }

    private static SignalRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new SignalRow(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                Instant.ofEpochMilli(rs.getLong(12)),
                rs.getLong(13),
                Instant.ofEpochMilli(rs.getLong(14)),
                rs.getString(15),
                Instant.ofEpochMilli(rs.getLong(16)),
                rs.getString(17),
                rs.getString(18));
    }

    /** One value of a facet and how many signals the filter keeps with it. */
    public record FacetValue(String value, long count) {}

    /** The facets the list page shows, each the filter's most frequent values (at most {@code top}). */
    public record Facets(
            List<FacetValue> rules,
            List<FacetValue> severities,
            List<FacetValue> tactics,
            List<FacetValue> hosts,
            List<FacetValue> images,
            List<FacetValue> processes) {}

    public Facets facets(String orgId, Filter filter, int top) {
        return jdbi.withHandle(handle -> new Facets(
                facet(handle, orgId, filter, "s.rule_id", top),
                facet(handle, orgId, filter, "s.severity", top),
                facet(handle, orgId, filter, "s.mitre_tactic", top),
                facet(handle, orgId, filter, "s.host_name", top),
                facet(handle, orgId, filter, "s.container_image", top),
                facet(handle, orgId, filter, "s.process_path", top)));
    }

    private static List<FacetValue> facet(Handle handle, String orgId, Filter filter, String column, int top) {
        StringBuilder sql = new StringBuilder("SELECT " + column + ", COUNT(*) FROM threat_signals s WHERE s.org_id ="
                + " :org AND " + column + " IS NOT NULL");
        Map<String, Object> binds = new LinkedHashMap<>();
        where(filter, sql, binds);
        sql.append(" GROUP BY ")
                .append(column)
                .append(" ORDER BY COUNT(*) DESC, ")
                .append(column);
        sql.append(" LIMIT :top");
        binds.put("top", top);
        return bound(handle.createQuery(sql.toString()), orgId, binds)
                .map((rs, ctx) -> new FacetValue(rs.getString(1), rs.getLong(2)))
                .list();
    }

    /** Signals per bucket of {@code bucketMillis} (an hour, a day), starting at each bucket's start, oldest first. */
    public record Bucket(Instant start, long count) {}

    public List<Bucket> timeline(String orgId, Filter filter, long bucketMillis) {
        StringBuilder sql = new StringBuilder(
                "SELECT (s.at / :bucket) * :bucket AS b, COUNT(*) FROM threat_signals s WHERE s.org_id = :org");
        Map<String, Object> binds = new LinkedHashMap<>();
        binds.put("bucket", bucketMillis);
        where(filter, sql, binds);
        // by position: PostgreSQL sees the two uses of :bucket as two parameters, so not as one expression
        sql.append(" GROUP BY 1 ORDER BY 1");
        return jdbi.withHandle(handle -> bound(handle.createQuery(sql.toString()), orgId, binds)
                .map((rs, ctx) -> new Bucket(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2)))
                .list());
    }

    /** One change of a signal's state. */
    public record Event(
            Instant at,
            @Nullable String from,
            String to,
            String actor,
            @Nullable String detail) {}

    /** A signal with its rule's title, its evidence and the history of its state. */
    public record Detail(SignalRow row, String title, Evidence.ThreatSignal evidence, List<Event> history) {}

    public Optional<Detail> one(String orgId, String signalId) {
        return jdbi.withHandle(handle -> {
            record Found(SignalRow row, String title, String evidence) {}
            Optional<Found> found = handle.createQuery(
                            "SELECT " + COLUMNS + ", f.title, f.evidence FROM threat_signals s"
                                    + " JOIN findings f ON f.org_id = s.org_id AND f.id = s.finding_id"
                                    + " WHERE s.org_id = :org AND s.signal_id = :id")
                    .bind("org", orgId)
                    .bind("id", signalId)
                    .map((rs, ctx) -> new Found(row(rs), rs.getString(19), rs.getString(20)))
                    .findOne();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            List<Event> history = handle.createQuery("SELECT at, from_state, to_state, actor, detail FROM"
                            + " threat_signal_events WHERE org_id = :org AND signal_id = :id ORDER BY at")
                    .bind("org", orgId)
                    .bind("id", signalId)
                    .map((rs, ctx) -> new Event(
                            Instant.ofEpochMilli(rs.getLong(1)),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5)))
                    .list();
            Evidence evidence = EvidenceCodec.decode(found.get().evidence());
            if (!(evidence instanceof Evidence.ThreatSignal signal)) {
                throw new IllegalStateException("signal " + signalId + "'s finding holds no threat signal");
            }
            return Optional.of(new Detail(found.get().row(), found.get().title(), signal, history));
        });
    }

    /** What a transition did. */
    public enum Outcome {
        CHANGED,
        NO_SUCH_SIGNAL,
        NOT_FROM_THIS_STATE
    }

    /**
     * Moves a signal to {@code to}: acknowledged (from open), archived (from open or acknowledged) or open again (from
     * acknowledged or archived). An archived signal's finding is muted, so the findings' counts and exports say so.
     */
    public Outcome transition(String orgId, String signalId, String to, String actor) {
        List<String> from = switch (to) {
            case "acknowledged" -> List.of("open");
            case "archived" -> List.of("open", "acknowledged");
            case "open" -> List.of("acknowledged", "archived");
            default -> throw new IllegalArgumentException("no state " + to + "; one of " + STATES);
        };
        long now = clock.millis();
        return jdbi.inTransaction(handle -> {
            record Current(String state, String findingId) {}
            Optional<Current> current = handle.createQuery(
                            "SELECT state, finding_id FROM threat_signals WHERE org_id =" + " :org AND signal_id = :id")
                    .bind("org", orgId)
                    .bind("id", signalId)
                    .map((rs, ctx) -> new Current(rs.getString(1), rs.getString(2)))
                    .findOne();
            if (current.isEmpty()) {
                return Outcome.NO_SUCH_SIGNAL;
            }
            String was = current.get().state();
            if (!from.contains(was)) {
                return Outcome.NOT_FROM_THIS_STATE;
            }
            int changed = handle.createUpdate("UPDATE threat_signals SET state = :to, state_at = :now, state_by ="
                            + " :actor, muted_by = NULL WHERE org_id = :org AND signal_id = :id AND state = :was")
                    .bind("to", to)
                    .bind("now", now)
                    .bind("actor", actor)
                    .bind("org", orgId)
                    .bind("id", signalId)
                    .bind("was", was)
                    .execute();
            if (changed == 0) {
                return Outcome.NOT_FROM_THIS_STATE; // another change came first
            }
            if (to.equals("archived")) {
                triage.mute(handle, orgId, current.get().findingId(), "archived by " + actor, null, actor);
            } else if (was.equals("archived")) {
                triage.unmute(handle, orgId, current.get().findingId(), actor);
            }
            event(handle, orgId, signalId, now, was, to, actor, null);
            return Outcome.CHANGED;
        });
    }

    public List<Mute> mutes(String orgId) {
        return jdbi.withHandle(handle -> mutes(handle, orgId));
    }

    /** Adds a mute; signals arriving after it that it matches are stored archived. */
    public Mute createMute(
            String orgId,
            String ruleId,
            @Nullable String processPath,
            @Nullable String containerImage,
            @Nullable String reason,
            String actor) {
        Mute mute = new Mute(
                UUID.randomUUID().toString(),
                ruleId,
                processPath,
                containerImage,
                reason,
                actor,
                Instant.ofEpochMilli(clock.millis()));
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO threat_mutes (org_id, id, rule_id, process_path,"
                        + " container_image, reason, created_by, created_at) VALUES (:org, :id, :rule, :path, :image,"
                        + " :reason, :by, :at)")
                .bind("org", orgId)
                .bind("id", mute.id())
                .bind("rule", ruleId)
                .bind("path", processPath)
                .bind("image", containerImage)
                .bind("reason", reason)
                .bind("by", actor)
                .bind("at", mute.createdAt().toEpochMilli())
                .execute());
        return mute;
    }

    /** Removes a mute (signals it archived stay archived); false when the organization has no such mute. */
    public boolean deleteMute(String orgId, String id) {
        return jdbi.withHandle(
                        handle -> handle.createUpdate("DELETE FROM threat_mutes WHERE org_id = :org AND id = :id")
                                .bind("org", orgId)
                                .bind("id", id)
                                .execute())
                > 0;
    }

    /** A host's latest sensor state, as it last reported it. */
    public record SensorRow(String hostId, String hostName, Sensor sensor, Instant reportedAt) {}

    public List<SensorRow> sensors(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT host_id, host_name, state, reason, source, hooks,"
                        + " since, events, lost, approver_drops, suppressed, reported_at FROM threat_sensors WHERE"
                        + " org_id = :org ORDER BY host_name, host_id")
                .bind("org", orgId)
                .map((rs, ctx) -> {
                    long since = rs.getLong(7);
                    Instant started = rs.wasNull() ? null : Instant.ofEpochMilli(since);
                    java.util.SortedMap<String, Long> lost = new java.util.TreeMap<>();
                    JSON.readTree(rs.getString(9))
                            .properties()
                            .forEach(e -> lost.put(e.getKey(), e.getValue().asLong()));
                    List<String> hooks = new ArrayList<>();
                    JSON.readTree(rs.getString(6)).forEach(hook -> hooks.add(hook.asString()));
                    return new SensorRow(
                            rs.getString(1),
                            rs.getString(2),
                            new Sensor(
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    hooks,
                                    started,
                                    rs.getLong(8),
                                    lost,
                                    rs.getLong(10),
                                    rs.getLong(11)),
                            Instant.ofEpochMilli(rs.getLong(12)));
                })
                .list());
    }

    /** Whether the organization has any signal at all (an empty list then means "none in this period"). */
    public boolean anySignal(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM (SELECT 1 FROM threat_signals WHERE"
                                + " org_id = :org LIMIT 1) x")
                        .bind("org", orgId)
                        .mapTo(Long.class)
                        .one()
                > 0);
    }
}
