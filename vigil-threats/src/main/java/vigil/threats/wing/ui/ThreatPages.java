package vigil.threats.wing.ui;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import vigil.model.finding.Evidence;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.http.SecuredRoutes;
import vigil.server.ui.Html;
import vigil.server.ui.NavEntry;
import vigil.server.ui.PageRenderer;
import vigil.server.ui.UiForm;
import vigil.server.ui.UiPage;
import vigil.server.ui.UiWing;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.Message;
import vigil.server.ui.view.Pager;
import vigil.threats.wing.BadInput;
import vigil.threats.wing.MuteInput;
import vigil.threats.wing.SignalApi;
import vigil.threats.wing.SignalRow;
import vigil.threats.wing.SignalStore;

/**
 * The Threats pages (ADR 0046): the signals list with its facets, timeline, the hosts' sensors and the mutes
 * ({@code /threats}), and one signal with its process tree and triage buttons ({@code /threats/signals/{id}}). The
 * buttons are same-origin form posts; each answers with a redirect back to the signal.
 */
public final class ThreatPages implements UiWing {
    static final int PER_PAGE = 50;
    private static final List<String> FILTERS =
            List.of("rule", "severity", "tactic", "host", "image", "process", "state");
    private static final Map<String, Duration> PERIODS = periods();

    private final SignalStore store;
    private final Clock clock;

    public ThreatPages(SignalStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private static Map<String, Duration> periods() {
        Map<String, Duration> periods = new LinkedHashMap<>();
        periods.put("24h", Duration.ofHours(24));
        periods.put("7d", Duration.ofDays(7));
        periods.put("30d", Duration.ofDays(30));
        periods.put("all", Duration.ZERO);
        return periods;
    }

    @Override
    public String name() {
        return "threats";
    }

    @Override
    public List<NavEntry> nav() {
        return List.of(new NavEntry("/threats", "Threats", 30));
    }

    /** The setup page's section: each host's sensor, its state and lost records (issue 12). */
    @Override
    public List<vigil.server.ui.SetupSection> setup(String orgId) {
        List<SignalsPage.SensorView> sensors =
                store.sensors(orgId).stream().map(ThreatPages::sensor).toList();
        return List.of(new vigil.server.ui.SetupSection(
                "threat-sensors", "Threat sensors", WingTemplates.body("threats/sensors.jte", sensors)));
    }

    @Override
    public List<UiPage> pages(PageRenderer renderer) {
        return List.of(
                new UiPage("/threats", Permission.READ, ctx -> list(ctx, renderer)),
                new UiPage("/threats/signals/{id}", Permission.READ, ctx -> signal(ctx, renderer)));
    }

    @Override
    public List<UiForm> forms(PageRenderer renderer) {
        return List.of(
                new UiForm(
                        "/ui/threats/signals/{id}/acknowledge",
                        Permission.TRIAGE,
                        ctx -> move(ctx, renderer, "acknowledged")),
                new UiForm(
                        "/ui/threats/signals/{id}/archive", Permission.TRIAGE, ctx -> move(ctx, renderer, "archived")),
                new UiForm("/ui/threats/signals/{id}/reopen", Permission.TRIAGE, ctx -> move(ctx, renderer, "open")),
                new UiForm("/ui/threats/signals/{id}/mute", Permission.TRIAGE, ctx -> mute(ctx, renderer)),
                new UiForm("/ui/threats/mutes/{id}/delete", Permission.TRIAGE, ctx -> unmute(ctx, renderer)));
    }

    private void list(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        String period = Optional.ofNullable(ctx.queryParam("period"))
                .filter(PERIODS::containsKey)
                .orElse("7d");
        Instant now = Instant.ofEpochMilli(clock.millis());
        Map<String, List<String>> query = new HashMap<>();
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : FILTERS) {
            String value = ctx.queryParam(name);
            if (value != null && !value.isBlank()) {
                query.put(name, List.of(value));
                kept.put(name, value);
            }
        }
        Duration span = PERIODS.getOrDefault(period, Duration.ZERO);
        Instant from = span.isZero() ? null : now.minus(span);
        if (from != null) {
            query.put("from", List.of(from.toString()));
        }
        SignalStore.Filter filter;
        try {
            filter = SignalApi.filter(query);
        } catch (BadInput e) {
            renderer.message(
                    ctx,
                    400,
                    "Threats",
                    "/threats",
                    Message.error(String.valueOf(e.getMessage())),
                    new Link("/threats", "All signals"));
            return;
        }
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && !SignalStore.validCursor(cursor)) {
            cursor = null;
        }
        SignalStore.Page page = store.list(principal.orgId(), filter, cursor, PER_PAGE);
        List<SignalStore.SensorRow> sensors = store.sensors(principal.orgId());
        SignalsPage.Empty empty = null;
        if (page.signals().isEmpty()) {
            boolean any = store.anySignal(principal.orgId());
            empty = sensors.isEmpty() && !any
                    ? new SignalsPage.Empty(
                            "no-sensor",
                            "No host sends signals yet: no agent has reported a threat sensor. This is not an all"
                                    + " clear; run the agent with Threats enabled on your hosts (see Setup).")
                    : new SignalsPage.Empty(
                            "no-signals",
                            "No signals in this period" + (kept.isEmpty() ? "" : " with these filters")
                                    + ". The sensors below say whether each host is watching.");
        }
        SignalStore.Facets facets = store.facets(principal.orgId(), filter, 8);
        List<SignalsPage.Facet> facetViews = List.of(
                facet("rule", "Rule", facets.rules(), kept, period),
                facet("severity", "Severity", facets.severities(), kept, period),
                facet("tactic", "Tactic", facets.tactics(), kept, period),
                facet("host", "Host", facets.hosts(), kept, period),
                facet("image", "Container image", facets.images(), kept, period),
                facet("process", "Process", facets.processes(), kept, period));
        List<SignalsPage.Period> periods = PERIODS.keySet().stream()
                .map(name -> new SignalsPage.Period(name, href(kept, period, "period", name), name.equals(period)))
                .toList();
        List<Link> active = kept.keySet().stream()
                .map(name -> new Link(href(kept, period, name, null), name + ": " + kept.get(name) + " ✕"))
                .toList();
        Pager pager = new Pager(
                null,
                page.next() == null
                        ? null
                        : new Link(
                                href(kept, period, null, null) + "&cursor=" + Html.url(page.next()),
                                "Next " + PER_PAGE),
                null);
        SignalsPage view = new SignalsPage(
                renderer.frame(ctx, "Threats", "/threats"),
                periods,
                active,
                facetViews,
                timeline(principal.orgId(), filter, from, now),
                page.signals().stream().map(ThreatPages::row).toList(),
                empty,
                pager,
                sensors.stream().map(ThreatPages::sensor).toList(),
                store.mutes(principal.orgId()).stream()
                        .map(mute -> new SignalsPage.MuteView(
                                mute.id(),
                                mute.ruleId(),
                                mute.processPath() != null
                                        ? "process " + mute.processPath()
                                        : "image " + mute.containerImage(),
                                mute.reason() == null ? "" : mute.reason(),
                                mute.createdBy() + ", " + mute.createdAt().truncatedTo(ChronoUnit.SECONDS),
                                "/ui/threats/mutes/" + Html.url(mute.id()) + "/delete"))
                        .toList());
        renderer.page(ctx, 200, view.frame(), WingTemplates.body("threats/signals.jte", view));
    }

    /** The list's address with the filters kept, {@code change} set to {@code to} (null removes it). */
    static String href(Map<String, String> kept, String period, @Nullable String change, @Nullable String to) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("period", period);
        params.putAll(kept);
        if (change != null) {
            if (to == null) {
                params.remove(change);
            } else {
                params.put(change, to);
            }
        }
        return "/threats?"
                + params.entrySet().stream()
                        .map(e -> e.getKey() + "=" + Html.url(e.getValue()))
                        .collect(Collectors.joining("&"));
    }

    private static SignalsPage.Facet facet(
            String name, String label, List<SignalStore.FacetValue> values, Map<String, String> kept, String period) {
        return new SignalsPage.Facet(
                label,
                values.stream()
                        .map(value -> {
                            String shown =
                                    name.equals("severity") ? SignalApi.severityWire(value.value()) : value.value();
                            boolean on = shown.equals(kept.get(name));
                            return new SignalsPage.FacetValue(
                                    shown, value.count(), href(kept, period, name, on ? null : shown), on);
                        })
                        .toList());
    }

    /** Signals per hour over a day, per day otherwise (the last 30 days when the period is everything). */
    private SignalsPage.Timeline timeline(
            String orgId, SignalStore.Filter filter, @Nullable Instant from, Instant now) {
        boolean hourly = from != null && Duration.between(from, now).compareTo(Duration.ofHours(48)) <= 0;
        long bucket =
                hourly ? Duration.ofHours(1).toMillis() : Duration.ofDays(1).toMillis();
        Instant start = from != null ? from : now.minus(Duration.ofDays(30));
        SignalStore.Filter bounded = from != null
                ? filter
                : new SignalStore.Filter(
                        filter.rule(),
                        filter.severity(),
                        filter.tactic(),
                        filter.host(),
                        filter.image(),
                        filter.process(),
                        filter.state(),
                        start,
                        null);
        Map<Long, Long> counts = new HashMap<>();
        store.timeline(orgId, bounded, bucket).forEach(b -> counts.put(b.start().toEpochMilli(), b.count()));
        long first = start.toEpochMilli() / bucket * bucket;
        long last = now.toEpochMilli() / bucket * bucket;
        int n = (int) ((last - first) / bucket) + 1;
        long max = Math.max(
                1, counts.values().stream().mapToLong(Long::longValue).max().orElse(1));
        int width = 720;
        int height = 120;
        double slot = (double) width / n;
        List<SignalsPage.Bar> bars = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long at = first + i * bucket;
            long count = counts.getOrDefault(at, 0L);
            double h = count == 0 ? 0 : Math.max(2, (height - 10) * (double) count / max);
            bars.add(new SignalsPage.Bar(
                    Instant.ofEpochMilli(at).toString(),
                    count,
                    String.format(Locale.ROOT, "%.1f", i * slot),
                    String.format(Locale.ROOT, "%.1f", height - h),
                    String.format(Locale.ROOT, "%.1f", Math.max(1, slot - 1)),
                    String.format(Locale.ROOT, "%.1f", h)));
        }
        return new SignalsPage.Timeline(
                hourly ? "Signals per hour" : "Signals per day",
                width,
                height,
                max,
                bars,
                Instant.ofEpochMilli(first).toString(),
                Instant.ofEpochMilli(last).toString());
    }

    private static SignalsPage.Row row(SignalRow row) {
        return new SignalsPage.Row(
                "/threats/signals/" + Html.url(row.id()),
                row.time().truncatedTo(ChronoUnit.SECONDS).toString(),
                row.ruleId(),
                new Badge(row.severity(), SignalApi.severityWire(row.severity())),
                row.hostName(),
                row.processPath(),
                row.containerImage() == null ? "" : row.containerImage(),
                Badge.of(row.state()),
                (row.count() > 1 ? row.count() + " events" : "")
                        + (row.mutedBy() != null
                                ? (row.count() > 1 ? "; " : "") + "muted by mute " + row.mutedBy()
                                : ""));
    }

    private static SignalsPage.SensorView sensor(SignalStore.SensorRow row) {
        var sensor = row.sensor();
        return new SignalsPage.SensorView(
                row.hostName(),
                Badge.of(sensor.state()),
                sensor.reason() == null ? "" : sensor.reason(),
                sensor.source(),
                sensor.events(),
                sensor.lostTotal(),
                sensor.lostSome().entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", ")),
                sensor.approverDrops(),
                sensor.suppressed(),
                row.reportedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private void signal(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        Optional<SignalStore.Detail> found = store.one(principal.orgId(), ctx.pathParam("id"));
        if (found.isEmpty()) {
            renderer.message(
                    ctx,
                    404,
                    "Threats",
                    "/threats",
                    Message.error("No signal with that id."),
                    new Link("/threats", "All signals"));
            return;
        }
        SignalStore.Detail detail = found.get();
        SignalRow row = detail.row();
        Evidence.ThreatSignal evidence = detail.evidence();
        List<SignalPage.Fact> facts = new ArrayList<>();
        facts.add(new SignalPage.Fact("Rule", row.ruleId()));
        facts.add(new SignalPage.Fact("Host", row.hostName()));
        facts.add(new SignalPage.Fact("Event", evidence.eventType()));
        facts.add(new SignalPage.Fact("Time", evidence.at().toString()));
        if (evidence.lastTime() != null || evidence.count() > 1) {
            facts.add(new SignalPage.Fact(
                    "Repeats",
                    evidence.count() + " events"
                            + (evidence.lastTime() == null ? "" : ", the last at " + evidence.lastTime())));
        }
        if (evidence.mitreTactic() != null) {
            facts.add(new SignalPage.Fact("MITRE tactic", evidence.mitreTactic()));
        }
        if (evidence.mitreTechnique() != null) {
            facts.add(new SignalPage.Fact("MITRE technique", evidence.mitreTechnique()));
        }
        Evidence.ThreatSignal.Workload workload = evidence.workload();
        if (workload.containerId() != null) {
            facts.add(new SignalPage.Fact(
                    "Container",
                    workload.containerId()
                            + (workload.containerRuntime() == null ? "" : " (" + workload.containerRuntime() + ")")
                            + (workload.image() == null ? "" : ", image " + workload.image())));
        }
        if (evidence.file() != null) {
            facts.add(new SignalPage.Fact(
                    "File", evidence.file().path() + " (" + evidence.file().operation() + ")"));
        }
        if (evidence.connection() != null) {
            var c = evidence.connection();
            facts.add(new SignalPage.Fact(
                    "Connection",
                    c.protocol() + " " + c.sourceAddress() + ":" + c.sourcePort() + " → " + c.destinationAddress() + ":"
                            + c.destinationPort()));
        }
        facts.add(new SignalPage.Fact(
                "State",
                row.state() + " since " + row.stateAt().truncatedTo(ChronoUnit.SECONDS)
                        + (row.stateBy() == null ? "" : ", by " + row.stateBy())));
        if (row.mutedBy() != null) {
            facts.add(new SignalPage.Fact("Muted by", "mute " + row.mutedBy()));
        }
        List<SignalPage.TreeNode> tree = new ArrayList<>();
        List<Evidence.ThreatSignal.Process> lineage = new ArrayList<>(evidence.ancestors());
        java.util.Collections.reverse(lineage); // parent first on the wire: the oldest first in the tree
        int depth = 0;
        for (Evidence.ThreatSignal.Process ancestor : lineage) {
            tree.add(node(ancestor, depth++, false));
        }
        if (evidence.process() != null) {
            tree.add(node(evidence.process(), depth, true));
        }
        SignalPage view = new SignalPage(
                renderer.frame(ctx, "Signal " + row.id(), "/threats"),
                row.id(),
                detail.title(),
                facts,
                new Badge(row.severity(), SignalApi.severityWire(row.severity())),
                Badge.of(row.state()),
                tree,
                evidence.fields().entrySet().stream()
                        .map(e -> new SignalPage.Fact(e.getKey(), e.getValue()))
                        .toList(),
                evidence.actions().stream()
                        .map(a ->
                                new SignalPage.ActionView(a.action(), a.result(), a.detail() == null ? "" : a.detail()))
                        .toList(),
                detail.history().stream()
                        .map(e -> new SignalPage.HistoryView(
                                e.at().truncatedTo(ChronoUnit.SECONDS).toString(),
                                (e.from() == null ? "stored" : e.from()) + " → " + e.to(),
                                e.actor(),
                                e.detail() == null ? "" : e.detail()))
                        .toList(),
                new SignalPage.Buttons(
                        "/ui/threats/signals/" + Html.url(row.id()),
                        row.state().equals("open"),
                        !row.state().equals("archived"),
                        !row.state().equals("open"),
                        row.ruleId(),
                        row.processPath(),
                        row.containerImage()));
        renderer.page(ctx, 200, view.frame(), WingTemplates.body("threats/signal.jte", view));
    }

    private static SignalPage.TreeNode node(Evidence.ThreatSignal.Process process, int depth, boolean current) {
        return new SignalPage.TreeNode(
                depth,
                "  ".repeat(depth) + (depth == 0 ? "" : "└ "),
                process.pid() == 0 ? "?" : String.valueOf(process.pid()),
                process.executable(),
                process.commandLine(),
                process.user() != null ? process.user() : process.uid() == null ? "" : "uid " + process.uid(),
                current);
    }

    private void move(Context ctx, PageRenderer renderer, String to) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = ctx.pathParam("id");
        switch (store.transition(principal.orgId(), id, to, principal.subject())) {
            case CHANGED -> ctx.redirect("/threats/signals/" + Html.url(id), HttpStatus.SEE_OTHER);
            case NO_SUCH_SIGNAL ->
                renderer.message(ctx, 404, "Threats", "/threats", Message.error("No signal with that id."), null);
            case NOT_FROM_THIS_STATE ->
                renderer.message(
                        ctx,
                        409,
                        "Threats",
                        "/threats",
                        Message.error("The signal is not in a state it can become " + to + " from."),
                        new Link("/threats/signals/" + Html.url(id), "Back to the signal"));
        }
    }

    /** Mutes the signal's rule for its process path ({@code by=process}) or its container image ({@code by=image}). */
    private void mute(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = ctx.pathParam("id");
        Optional<SignalStore.Detail> found = store.one(principal.orgId(), id);
        if (found.isEmpty()) {
            renderer.message(ctx, 404, "Threats", "/threats", Message.error("No signal with that id."), null);
            return;
        }
        SignalRow row = found.get().row();
        boolean byImage = "image".equals(ctx.formParam("by"));
        try {
            MuteInput input = MuteInput.of(
                    row.ruleId(),
                    byImage
                            ? null
                            : Optional.ofNullable(ctx.formParam("process_path")).orElse(row.processPath()),
                    byImage ? row.containerImage() : null,
                    ctx.formParam("reason"));
            store.createMute(
                    principal.orgId(),
                    input.ruleId(),
                    input.processPath(),
                    input.containerImage(),
                    input.reason(),
                    principal.subject());
        } catch (BadInput e) {
            renderer.message(
                    ctx,
                    400,
                    "Threats",
                    "/threats",
                    Message.error(String.valueOf(e.getMessage())),
                    new Link("/threats/signals/" + Html.url(id), "Back to the signal"));
            return;
        }
        ctx.redirect("/threats/signals/" + Html.url(id), HttpStatus.SEE_OTHER);
    }

    private void unmute(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!store.deleteMute(principal.orgId(), ctx.pathParam("id"))) {
            renderer.message(ctx, 404, "Threats", "/threats", Message.error("No mute with that id."), null);
            return;
        }
        ctx.redirect("/threats", HttpStatus.SEE_OTHER);
    }
}
