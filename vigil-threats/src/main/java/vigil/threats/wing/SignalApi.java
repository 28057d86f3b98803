package vigil.threats.wing;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.Severity;
import vigil.model.finding.EvidenceCodec;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.http.ApiRoute;
import vigil.server.http.SecuredRoutes;
import vigil.server.http.SecuredRoutes.Method;

/**
 * The signals' routes under {@code /api/v1/threats} (ADR 0046), each with its permission: the list with its filters
 * and cursor, one signal, its transitions, mutes and the hosts' sensors. Every answer is scoped by the caller's
 * organization; bad input is a 400 naming the parameter.
 */
public final class SignalApi {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_BODY = 16 * 1024;

    private final SignalStore store;
    private final Clock clock;

    SignalApi(SignalStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/api/v1/threats/signals", Permission.READ, this::list),
                new ApiRoute(Method.GET, "/api/v1/threats/signals/{id}", Permission.READ, this::one),
                new ApiRoute(
                        Method.POST,
                        "/api/v1/threats/signals/{id}/acknowledge",
                        Permission.TRIAGE,
                        ctx -> transition(ctx, "acknowledged")),
                new ApiRoute(
                        Method.POST,
                        "/api/v1/threats/signals/{id}/archive",
                        Permission.TRIAGE,
                        ctx -> transition(ctx, "archived")),
                new ApiRoute(
                        Method.POST,
                        "/api/v1/threats/signals/{id}/reopen",
                        Permission.TRIAGE,
                        ctx -> transition(ctx, "open")),
                new ApiRoute(Method.GET, "/api/v1/threats/mutes", Permission.READ, this::mutes),
                new ApiRoute(Method.POST, "/api/v1/threats/mutes", Permission.TRIAGE, this::createMute),
                new ApiRoute(Method.DELETE, "/api/v1/threats/mutes/{id}", Permission.TRIAGE, this::deleteMute),
                new ApiRoute(Method.GET, "/api/v1/threats/sensors", Permission.READ, this::sensors));
    }

    /** The filter of the query parameters ({@code rule, severity, tactic, host, image, process, state, from, to}). */
    public static SignalStore.Filter filter(Map<String, List<String>> query) throws BadInput {
        String severity = one(query, "severity");
        String stored = null;
        if (severity != null) {
            stored = severityName(severity)
                    .orElseThrow(() -> new BadInput(
                            "severity must be one of critical, high, medium, low, info, not '" + severity + "'"));
        }
        String state = one(query, "state");
        if (state != null && !SignalStore.STATES.contains(state)) {
            throw new BadInput("state must be one of " + SignalStore.STATES + ", not '" + state + "'");
        }
        Instant from = instant(query, "from");
        Instant to = instant(query, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new BadInput("from must be before to");
        }
        return new SignalStore.Filter(
                one(query, "rule"),
                stored,
                one(query, "tactic"),
                one(query, "host"),
                one(query, "image"),
                one(query, "process"),
                state,
                from,
                to);
    }

    /** The stored severity of a wire name ({@code info} is stored as negligible). */
    static Optional<String> severityName(String wire) {
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "critical" -> Optional.of(Severity.CRITICAL.name());
            case "high" -> Optional.of(Severity.HIGH.name());
            case "medium" -> Optional.of(Severity.MEDIUM.name());
            case "low" -> Optional.of(Severity.LOW.name());
            case "info", "negligible" -> Optional.of(Severity.NEGLIGIBLE.name());
            default -> Optional.empty();
        };
    }

    /** The wire name of a stored severity. */
    public static String severityWire(String stored) {
        return stored.equals(Severity.NEGLIGIBLE.name()) ? "info" : stored.toLowerCase(Locale.ROOT);
    }

    private static @Nullable String one(Map<String, List<String>> query, String name) throws BadInput {
        List<String> values = query.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw new BadInput(name + " is given " + values.size() + " times; give it once");
        }
        String value = values.isEmpty() ? null : values.getFirst().strip();
        if (value != null && value.length() > 4096) {
            throw new BadInput(name + " has more than 4096 characters");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static @Nullable Instant instant(Map<String, List<String>> query, String name) throws BadInput {
        String text = one(query, name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadInput(name + " must be an ISO-8601 instant such as 2026-12-07T00:00:00Z, not '" + text + "'");
        }
    }

    private void list(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        SignalStore.Filter filter;
        int limit;
        String cursor;
        try {
            filter = filter(ctx.queryParamMap());
            String limitText = one(ctx.queryParamMap(), "limit");
            limit = 100;
            if (limitText != null) {
                try {
                    limit = Integer.parseInt(limitText);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 1000) {
                    throw new BadInput("limit must be a whole number from 1 to 1000, not '" + limitText + "'");
                }
            }
            cursor = one(ctx.queryParamMap(), "cursor");
            if (cursor != null && !SignalStore.validCursor(cursor)) {
                throw new BadInput("cursor is not one this server gave: pass a page's 'next' value unchanged");
            }
        } catch (BadInput e) {
            error(ctx, 400, String.valueOf(e.getMessage()));
            return;
        }
        SignalStore.Page page = store.list(principal.orgId(), filter, cursor, limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("signals", page.signals().stream().map(SignalApi::json).toList());
        answer.put("next", page.next());
        ctx.json(answer);
    }

    private void one(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        Optional<SignalStore.Detail> detail = store.one(principal.orgId(), ctx.pathParam("id"));
        if (detail.isEmpty()) {
            error(ctx, 404, "no signal " + ctx.pathParam("id"));
            return;
        }
        Map<String, Object> answer = json(detail.get().row());
        answer.put("title", detail.get().title());
        answer.put("evidence", JSON.readTree(EvidenceCodec.encode(detail.get().evidence())));
        List<Map<String, Object>> history = new ArrayList<>();
        for (SignalStore.Event event : detail.get().history()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("at", event.at().toString());
            one.put("from", event.from());
            one.put("to", event.to());
            one.put("actor", event.actor());
            one.put("detail", event.detail());
            history.add(one);
        }
        answer.put("history", history);
        ctx.json(answer);
    }

    private void transition(Context ctx, String to) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = ctx.pathParam("id");
        switch (store.transition(principal.orgId(), id, to, principal.subject())) {
            case CHANGED -> ctx.json(Map.of("id", id, "state", to));
            case NO_SUCH_SIGNAL -> error(ctx, 404, "no signal " + id);
            case NOT_FROM_THIS_STATE ->
                error(
                        ctx,
                        409,
                        "signal " + id + " cannot become " + to + " from its state; acknowledge an open signal,"
                                + " archive an open or acknowledged one, reopen an acknowledged or archived one");
        }
    }

    private void mutes(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        ctx.json(Map.of(
                "mutes",
                store.mutes(principal.orgId()).stream().map(SignalApi::json).toList()));
    }

    private void createMute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String text = ctx.body();
        if (text.length() > MAX_BODY) {
            error(ctx, 413, "a mute's body has at most " + MAX_BODY + " characters");
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JacksonException e) {
            error(
                    ctx,
                    400,
                    "the body must be a JSON object: {\"rule_id\": ..., \"process_path\": ... or"
                            + " \"container_image\": ..., \"reason\": ...}");
            return;
        }
        try {
            MuteInput input = MuteInput.of(
                    field(body, "rule_id"),
                    field(body, "process_path"),
                    field(body, "container_image"),
                    field(body, "reason"));
            Mute mute = store.createMute(
                    principal.orgId(),
                    input.ruleId(),
                    input.processPath(),
                    input.containerImage(),
                    input.reason(),
                    principal.subject());
            ctx.status(201).json(json(mute));
        } catch (BadInput e) {
            error(ctx, 400, String.valueOf(e.getMessage()));
        }
    }

    private static @Nullable String field(JsonNode body, String name) throws BadInput {
        if (!body.isObject()) {
            throw new BadInput("the body must be a JSON object");
        }
        JsonNode value = body.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new BadInput(name + " must be a string");
        }
        return value.asString();
    }

    private void deleteMute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!store.deleteMute(principal.orgId(), ctx.pathParam("id"))) {
            error(ctx, 404, "no mute " + ctx.pathParam("id"));
            return;
        }
        ctx.status(204);
    }

    private void sensors(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (SignalStore.SensorRow row : store.sensors(principal.orgId())) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("host_id", row.hostId());
            one.put("host", row.hostName());
            one.put("state", row.sensor().state());
            one.put("reason", row.sensor().reason());
            one.put("source", row.sensor().source());
            one.put("hooks", row.sensor().hooks());
            one.put(
                    "since",
                    row.sensor().since() == null ? null : row.sensor().since().toString());
            one.put("events", row.sensor().events());
            one.put("lost", row.sensor().lost());
            one.put("approver_drops", row.sensor().approverDrops());
            one.put("suppressed", row.sensor().suppressed());
            one.put("reported_at", row.reportedAt().toString());
            hosts.add(one);
        }
        ctx.json(Map.of(
                "sensors", hosts, "as_of", Instant.ofEpochMilli(clock.millis()).toString()));
    }

    static Map<String, Object> json(SignalRow row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.id());
        out.put("finding_id", row.findingId());
        out.put("rule_id", row.ruleId());
        out.put("severity", severityWire(row.severity()));
        out.put("mitre_tactic", row.mitreTactic());
        out.put("mitre_technique", row.mitreTechnique());
        out.put("host_id", row.hostId());
        out.put("host", row.hostName());
        out.put("event_type", row.eventType());
        out.put("process_path", row.processPath());
        out.put("container_image", row.containerImage());
        out.put("time", row.time().toString());
        out.put("count", row.count());
        out.put("received_at", row.receivedAt().toString());
        out.put("state", row.state());
        out.put("state_at", row.stateAt().toString());
        out.put("state_by", row.stateBy());
        out.put("muted_by", row.mutedBy());
        return out;
    }

    static Map<String, Object> json(Mute mute) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", mute.id());
        out.put("rule_id", mute.ruleId());
        out.put("process_path", mute.processPath());
        out.put("container_image", mute.containerImage());
        out.put("reason", mute.reason());
        out.put("created_by", mute.createdBy());
        out.put("created_at", mute.createdAt().toString());
        return out;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(SecuredRoutes.error(status, message));
    }
}
