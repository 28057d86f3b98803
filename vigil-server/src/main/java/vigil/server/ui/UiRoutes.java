package vigil.server.ui;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.features.matrix.Availability;
import vigil.features.matrix.Capability;
import vigil.features.matrix.DeploymentType;
import vigil.features.matrix.FeatureMatrix;
import vigil.model.Severity;
import vigil.server.agents.AgentDirectory;
import vigil.server.auth.Accounts;
import vigil.server.auth.Logins;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.findings.FindingQueries;
import vigil.server.findings.Triage;
import vigil.server.http.ApiRoutes;
import vigil.server.http.LoginBodies;
import vigil.server.http.SecuredRoutes;
import vigil.server.ui.view.AccountPage;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.FindingsPage;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.LoginPage;
import vigil.server.ui.view.Message;
import vigil.server.ui.view.NotFoundPage;
import vigil.server.ui.view.Pager;
import vigil.server.ui.view.SetupPage;
import vigil.server.ui.view.UnavailablePage;

/**
 * The web UI's core pages and forms (sign-in, account, findings, triage, setup), each declared with its permission
 * like every other route, and the pages of each wing. Handlers build view records from the stores; the compiled
 * templates render them (ADR 0032).
 */
public final class UiRoutes {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The findings page's filters, status first: facet links and the next page keep all of them. */
    private static final List<String> FINDING_FILTERS =
            List.of("status", "severity", "q", "resource", "rule", "package", "assignee");

    /** The core's navigation entries; wings add theirs between (ADR 0032). */
    static final List<NavEntry> CORE_NAV = List.of(
            new NavEntry("/findings", "Findings", 10),
            new NavEntry("/setup", "Setup", 90),
            new NavEntry("/account", "Account", 100));

    private final Accounts accounts;
    private final Logins logins;
    private final FindingQueries findings;
    private final Triage triage;
    private final AgentDirectory agents;
    private final FindingTables tables;
    private final List<UiWing> wings;
    private final PageRenderer renderer;
    private final byte[] htmx;
    private final byte[] css;
    private final FeatureMatrix matrix;
    private final vigil.server.health.Health health;

    /**
     * The capabilities some wing of this server builds. The others the seed's matrix offers are reported by agents as
     * their prerequisites say, but shown as "not built yet", never as enabled (ADR 0029, 0037).
     */
    private final java.util.Set<Capability> built;

    public UiRoutes(
            Accounts accounts,
            Logins logins,
            FindingQueries findings,
            Triage triage,
            Jdbi jdbi,
            FeatureMatrix matrix,
            vigil.server.health.Health health,
            List<UiWing> wings,
            java.util.Set<Capability> built)
            throws IOException {
        this.health = health;
        this.built = java.util.Set.copyOf(built);
        this.matrix = matrix;
        this.accounts = accounts;
        this.logins = logins;
        this.findings = findings;
        this.triage = triage;
        this.agents = new AgentDirectory(jdbi);
        this.tables = new FindingTables(jdbi);
        // the wings' pages (ADR 0037): each capability adds its own; the core names none of them
        this.wings = List.copyOf(wings);
        List<NavEntry> nav = new ArrayList<>(CORE_NAV);
        wings.forEach(wing -> nav.addAll(wing.nav()));
        this.renderer = new PageRenderer(new Navigation(nav));
        this.htmx = resource("/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js");
        this.css = resource("/vigil/server/ui/vigil.css");
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = UiRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("the web UI's resource " + path + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    public void register(SecuredRoutes routes) {
        routes.get("/assets/htmx.min.js", Permission.PUBLIC, ctx -> asset(ctx, htmx, "text/javascript"));
        routes.get("/assets/vigil.css", Permission.PUBLIC, ctx -> asset(ctx, css, "text/css"));
        routes.get("/login", Permission.PUBLIC, ctx -> ctx.html(loginPage(null, ctx.queryParam("next"))));
        routes.signIn("/login", this::login);
        routes.form("/logout", Permission.READ, ctx -> {
            SecuredRoutes.credential(ctx).ifPresent(accounts::endSession);
            SecuredRoutes.sessionCookie(ctx, "", 0);
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        });
        routes.page("/account", Permission.READ, ctx -> accountPage(ctx, 200, null));
        routes.form("/account/password", Permission.READ, this::changePassword);
        routes.page("/", Permission.READ, ctx -> ctx.redirect("/findings"));
        routes.page("/findings", Permission.READ, this::findingsPage);
        routes.form("/ui/findings/{id}/mute", Permission.TRIAGE, this::mute);
        routes.form("/ui/findings/{id}/unmute", Permission.TRIAGE, this::unmute);
        routes.form("/ui/findings/{id}/assign", Permission.TRIAGE, this::assign);
        routes.page("/setup", Permission.READ, this::setupPage);
        for (UiWing wing : wings) {
            for (UiForm form : wing.forms(renderer)) {
                routes.form(form.path(), form.permission(), form.handler());
            }
            for (UiPage page : wing.pages(renderer)) {
                routes.page(page.path(), page.permission(), page.handler());
            }
        }
    }

    private static void asset(Context ctx, byte[] body, String type) {
        ctx.contentType(type).header("Cache-Control", "max-age=3600").result(body);
    }

    private static String loginPage(@Nullable String error, @Nullable String next) {
        return Templates.render("core/login.jte", new LoginPage(error, safeNext(next)));
    }

    /** A page of its own for when the store is unavailable (no session can be checked then): cause and advice. */
    public static String unavailablePage(String reason, String advice) {
        return Templates.render("core/unavailable.jte", new UnavailablePage(reason, advice));
    }

    /** The page for a path no route answers: what was asked, and a way back. */
    public static String notFoundPage(String path) {
        return Templates.render("core/notFound.jte", new NotFoundPage(path));
    }

    /**
     * Only an absolute path of this site: a login link must not become an open redirect. Browsers drop tabs and
     * newlines, read a backslash as a slash and {@code //} as another host, so anything but printable ASCII, a
     * backslash, or a second leading slash sends the user to the findings instead.
     */
    static String safeNext(@Nullable String next) {
        if (next == null || next.length() < 1 || next.length() > 2000 || next.charAt(0) != '/') {
            return "/findings";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return "/findings";
            }
        }
        if (next.length() > 1 && next.charAt(1) == '/') {
            return "/findings";
        }
        try {
            java.net.URI uri = new java.net.URI(next);
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                return "/findings";
            }
        } catch (java.net.URISyntaxException e) {
            return "/findings";
        }
        return next;
    }

    private void login(Context ctx) {
        Optional<Logins.Throttled> throttled = logins.admit(LoginBodies.address(ctx));
        if (throttled.isPresent()) {
            ctx.header(
                    "Retry-After", String.valueOf(throttled.get().retryAfter().toSeconds()));
            ctx.status(429).html(loginPage(sentence(throttled.get().message()), null));
            return;
        }
        Map<String, String> fields;
        Logins.Attempt attempt;
        try {
            fields = LoginBodies.form(LoginBodies.read(ctx));
            attempt = LoginBodies.formAttempt(fields);
        } catch (LoginBodies.Refused e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("control character")) {
                // as every other page answers a control character: plain text naming the field
                ctx.status(400).contentType("text/plain; charset=utf-8").result(message);
                return;
            }
            ctx.status(e.status()).html(loginPage(sentence(message), null));
            return;
        }
        String next = fields.get("next");
        switch (logins.signIn(LoginBodies.address(ctx), attempt)) {
            case Logins.SignedIn(String token) -> {
                SecuredRoutes.sessionCookie(ctx, token, (int) Accounts.SESSION.toSeconds());
                ctx.redirect(safeNext(next), HttpStatus.SEE_OTHER);
            }
            case Logins.Refused refused ->
                ctx.status(401).html(loginPage("Wrong email, password or organization.", next));
            case Logins.Throttled t -> {
                ctx.header("Retry-After", String.valueOf(t.retryAfter().toSeconds()));
                ctx.status(429).html(loginPage(sentence(t.message()), next));
            }
            case Logins.Busy busy -> {
                ctx.header("Retry-After", String.valueOf(busy.retryAfter().toSeconds()));
                ctx.status(503).html(loginPage("The server is busy checking passwords; retry in a second.", next));
            }
        }
    }

    private static String sentence(String message) {
        return message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
    }

    private void accountPage(Context ctx, int status, @Nullable String message) {
        renderer.render(
                ctx,
                status,
                "core/account.jte",
                new AccountPage(
                        renderer.frame(ctx, "Account", "/account"),
                        message == null ? null : new Message(status < 300 ? "notice" : "error", message),
                        Accounts.MIN_PASSWORD));
    }

    private void changePassword(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String current = Optional.ofNullable(ctx.formParam("current")).orElse("");
        String next = Optional.ofNullable(ctx.formParam("new")).orElse("");
        if (!next.equals(Optional.ofNullable(ctx.formParam("confirm")).orElse(""))) {
            accountPage(ctx, 400, "The new password and its repetition differ; type both again.");
            return;
        }
        String token = SecuredRoutes.credential(ctx).orElse("");
        try {
            switch (logins.changePassword(principal, token, current.toCharArray(), next.toCharArray())) {
                case Logins.Changed changed ->
                    accountPage(ctx, 200, "Password changed; your other sessions were signed out.");
                case Logins.WrongPassword wrong ->
                    accountPage(ctx, 403, "The current password is wrong; nothing changed.");
                case Logins.Invalid(String message) -> accountPage(ctx, 400, sentence(message));
            }
        } catch (vigil.server.auth.PasswordHashing.Busy e) {
            ctx.header("Retry-After", "1");
            accountPage(ctx, 503, "The server is busy checking passwords; retry in a second.");
        }
    }

    private void findingsPage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String status = Optional.ofNullable(ctx.queryParam("status")).orElse("open");
        String severity = ctx.queryParam("severity");
        String q = ctx.queryParam("q");
        String resource = ctx.queryParam("resource");
        String rule = ctx.queryParam("rule");
        String assignee = blankToNull(ctx.queryParam("assignee"));
        String pkg = blankToNull(ctx.queryParam("package"));
        vigil.server.http.FindingFilters.Parsed parsed = vigil.server.http.FindingFilters.parse(status, severity);
        String cursorToken = blankToNull(ctx.queryParam("cursor"));
        vigil.server.findings.Cursor after = cursorToken == null
                ? null
                : vigil.server.findings.Cursor.parse(cursorToken).orElse(null);
        int offset = parseInt(ctx.queryParam("offset"));
        String error = parsed.error() != null
                ? sentence(parsed.error())
                : cursorToken != null && after == null
                        ? "That page link is broken (its cursor is not one Vigil gave); start again from the first page."
                        : offset < 0 || offset > ApiRoutes.MAX_OFFSET
                                ? "The offset must be from 0 to " + ApiRoutes.MAX_OFFSET
                                        + "; follow the Next links to page further."
                                : null;
        if (error != null) {
            // the error, never a list that would look filtered when it is not
            renderer.message(
                    ctx,
                    400,
                    "Findings",
                    "/findings",
                    Message.error(error),
                    new Link("/findings", "Back to the open findings"));
            return;
        }
        List<String> statuses = parsed.statuses();
        String statusLabel = statuses.isEmpty() ? "all" : String.join(", ", statuses);
        FindingQueries.Page page = findings.query(
                principal.orgId(),
                new FindingQueries.Filter(
                        statuses,
                        parsed.severities(),
                        null,
                        blankToNull(resource),
                        blankToNull(rule),
                        blankToNull(q),
                        ApiRoutes.assignee(assignee, principal),
                        pkg,
                        100,
                        offset,
                        after));
        // the chart counts what the list lists: every filter applies (the page's facets are those counts)
        List<Map.Entry<String, Long>> bySeverity = new ArrayList<>();
        Map<String, Long> severityCounts = page.facets().getOrDefault("severity", Map.of());
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity level = Severity.values()[i];
            bySeverity.add(Map.entry(level.name(), severityCounts.getOrDefault(level.name(), 0L)));
        }
        String assigneeSelected = assignee == null ? "" : assignee.strip().toLowerCase(Locale.ROOT);
        List<FindingsPage.Facet> facets = List.of(
                facet(ctx, "Status", "status", status, List.of("open", "muted", "resolved", "all"), Map.of()),
                facet(
                        ctx,
                        "Severity",
                        "severity",
                        severity == null ? "" : severity.toLowerCase(Locale.ROOT),
                        List.of("critical", "high", "medium", "low", "negligible", "unknown"),
                        lowerKeys(severityCounts)),
                facet(
                        ctx,
                        "Assignee",
                        "assignee",
                        assigneeSelected,
                        assigneeSelected.isEmpty() || assigneeSelected.equals("me")
                                ? List.of("me")
                                : List.of("me", assigneeSelected),
                        Map.of()));
        String firstPage = findingsLink(ctx, status, null);
        boolean later = offset > 0 || after != null;
        FindingsPage.PastEnd pastEnd = page.rows().isEmpty() && later
                ? new FindingsPage.PastEnd(
                        page.totalExact() ? page.total() + " findings in all" : "many findings in all", firstPage)
                : null;
        // the next page by cursor: as quick at the millionth finding as at the first
        Pager pager = page.next() == null
                ? new Pager(null, null, null)
                : new Pager(
                        null,
                        new Link(findingsLink(ctx, status, page.next().token()), "Next 100"),
                        later ? new Link(firstPage, "First page") : null);
        renderer.render(
                ctx,
                200,
                "core/findings.jte",
                new FindingsPage(
                        renderer.frame(ctx, "Findings", "/findings"),
                        Charts.bars(
                                "by-severity",
                                page.totalExact()
                                        ? "Findings by severity (" + statusLabel + ", as filtered)"
                                        : "Findings by severity: not counted, too many match the text",
                                bySeverity),
                        Charts.line("over-time", "Unresolved findings, last 30 days", overTime(principal.orgId())),
                        facets,
                        new FindingsPage.Filter(status, assignee == null ? null : assignee.strip(), q == null ? "" : q),
                        pastEnd,
                        page.totalExact()
                                ? page.total() + " findings"
                                : "More than " + String.format(Locale.ROOT, "%,d", page.total())
                                        + " findings match; counts stop there. Add a filter or a longer text to count"
                                        + " them.",
                        pastEnd == null
                                ? tables.table(principal, page.rows(), true)
                                : new vigil.server.ui.view.FindingsTable(List.of(), true, false, List.of()),
                        pager));
    }

    /** The findings page with the request's filters, from its first page or after {@code cursor}. */
    private static String findingsLink(Context ctx, String status, @Nullable String cursor) {
        StringBuilder link = new StringBuilder("/findings?status=").append(Html.url(status));
        for (String key : FINDING_FILTERS.subList(1, FINDING_FILTERS.size())) {
            String value = ctx.queryParam(key);
            if (value != null && !value.isBlank()) {
                link.append('&').append(key).append('=').append(Html.url(value));
            }
        }
        if (cursor != null) {
            link.append("&cursor=").append(Html.url(cursor));
        }
        return link.toString();
    }

    /** The over-time chart reads every finding of the organization; a minute-old answer is good enough. */
    private List<Map.Entry<LocalDate, Long>> overTime(String orgId) {
        long now = System.nanoTime();
        CachedSeries cached = series.get(orgId);
        if (cached != null
                && now - cached.at() < java.time.Duration.ofMinutes(1).toNanos()) {
            return cached.days();
        }
        List<Map.Entry<LocalDate, Long>> days = findings.unresolvedByDay(orgId, 30);
        series.put(orgId, new CachedSeries(now, days));
        return days;
    }

    private record CachedSeries(long at, List<Map.Entry<LocalDate, Long>> days) {}

    private final ConcurrentHashMap<String, CachedSeries> series = new ConcurrentHashMap<>();

    private static Map<String, Long> lowerKeys(Map<String, Long> counts) {
        Map<String, Long> lower = new LinkedHashMap<>();
        counts.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
        return lower;
    }

    /** A facet: each value links to the findings with every current filter, that value toggled. */
    private static FindingsPage.Facet facet(
            Context ctx,
            String title,
            String parameter,
            String selected,
            List<String> values,
            Map<String, Long> counts) {
        List<FindingsPage.Option> options = new ArrayList<>();
        for (String value : values) {
            Map<String, String> query = new LinkedHashMap<>();
            for (String key : FINDING_FILTERS) {
                String current = ctx.queryParam(key);
                if (current != null && !current.isBlank()) {
                    query.put(key, current);
                }
            }
            if (value.equals(selected)) {
                query.remove(parameter);
            } else {
                query.put(parameter, value);
            }
            StringBuilder href = new StringBuilder("/findings?");
            query.forEach((key, v) ->
                    href.append(Html.url(key)).append('=').append(Html.url(v)).append("&"));
            Long count = counts.get(value);
            options.add(new FindingsPage.Option(
                    parameter + ":" + value,
                    href.toString(),
                    value + (count == null ? "" : " (" + count + ")"),
                    value.equals(selected)));
        }
        return new FindingsPage.Facet(title, options);
    }

    private void assign(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String value = Optional.ofNullable(ctx.formParam("assignee")).orElse("").strip();
        String assignee = value.isEmpty() ? null : ApiRoutes.assignee(value, principal);
        if (!triage.assign(principal.orgId(), ctx.pathParam("id"), assignee, principal.subject())) {
            renderer.message(
                    ctx,
                    404,
                    "Findings",
                    "/findings",
                    Message.error("No finding with that id, or no user " + (assignee == null ? "" : assignee)
                            + " in this organization."),
                    new Link("/findings", "Back to the findings"));
            return;
        }
        back(ctx);
    }

    private void unmute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!triage.unmute(principal.orgId(), ctx.pathParam("id"), principal.subject())) {
            renderer.message(ctx, 404, "Findings", "/findings", Message.error("No muted finding with that id."), null);
            return;
        }
        back(ctx);
    }

    private void mute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String reason = Optional.ofNullable(ctx.formParam("reason")).orElse("").strip();
        if (reason.isEmpty()) {
            renderer.message(
                    ctx,
                    400,
                    "Findings",
                    "/findings",
                    Message.error("A mute needs a reason."),
                    new Link("/findings", "Back to the findings"));
            return;
        }
        if (!triage.mute(principal.orgId(), ctx.pathParam("id"), reason, null, principal.subject())) {
            renderer.message(ctx, 404, "Findings", "/findings", Message.error("No open finding with that id."), null);
            return;
        }
        back(ctx);
    }

    /** After a triage form: back to the list or resource page it was posted from, else to the findings. */
    private static void back(Context ctx) {
        String back = ctx.header("Referer");
        ctx.redirect(
                back != null && (back.contains("/findings") || back.contains("/resources")) ? back : "/findings",
                HttpStatus.SEE_OTHER);
    }

    private void setupPage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        long staleBefore = System.currentTimeMillis() - ApiRoutes.STALE_AFTER.toMillis();
        List<SetupPage.AgentRow> rows = new ArrayList<>();
        for (AgentDirectory.Agent agent : agents.list(principal.orgId())) {
            rows.add(new SetupPage.AgentRow(
                    agent.hostname(),
                    "/resources?id=" + Html.url("host:" + agent.id()),
                    deploymentName(agent.deployment()),
                    agent.version(),
                    vigil.features.check.CapabilityCheck.meetsMinimum(agent.version(), matrix.agentMinimumVersion())
                            ? null
                            : matrix.agentMinimumVersion(),
                    Instant.ofEpochMilli(agent.lastSeen()).toString(),
                    agent.lastSeen() < staleBefore,
                    // the agent's spool discarded batches (full or too old): their data never reached the server
                    agent.spool() == null ? 0 : agent.spool().dropped(),
                    agent.spool() == null ? 0 : agent.spool().droppedBytes(),
                    droppedSections(agent.spool() == null ? null : agent.spool().droppedSections()),
                    capabilityCells(agent.capabilities())));
        }
        List<SetupPage.MatrixRow> matrixRows = new ArrayList<>();
        for (DeploymentType type : DeploymentType.values()) {
            FeatureMatrix.Deployment deployment = matrix.deployment(type);
            List<SetupPage.MatrixCell> cells = new ArrayList<>();
            for (Capability capability : Capability.values()) {
                Availability availability = deployment.availability(capability);
                cells.add(
                        availability == Availability.UNAVAILABLE
                                ? new SetupPage.MatrixCell(null, false)
                                : new SetupPage.MatrixCell(
                                        new Badge(availability.name(), availability == Availability.GA ? "✓" : "beta"),
                                        !built.contains(capability)));
            }
            matrixRows.add(new SetupPage.MatrixRow(type.displayName(), deployment.agentRequired(), cells));
        }
        renderer.render(
                ctx,
                200,
                "core/setup.jte",
                new SetupPage(
                        renderer.frame(ctx, "Setup", "/setup"),
                        status(),
                        java.util.Arrays.stream(Capability.values())
                                .map(Capability::displayName)
                                .toList(),
                        rows,
                        wings.stream()
                                .flatMap(wing -> wing.setup(principal.orgId()).stream())
                                .toList(),
                        matrixRows));
    }

    /** The sections kept in order that the agent's spool dropped, as "type: count", from their stored JSON object. */
    private static List<String> droppedSections(@Nullable String stored) {
        List<String> dropped = new ArrayList<>();
        if (stored != null) {
            JSON.readTree(stored).properties().forEach(entry -> {
                if (entry.getValue().asLong(0) > 0) {
                    dropped.add(entry.getKey() + ": " + entry.getValue().asLong(0));
                }
            });
        }
        return dropped;
    }

    /** What an agent reported per capability, in the matrix's order. */
    private List<SetupPage.CapabilityCell> capabilityCells(String reported) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode capability : JSON.readTree(reported)) {
            byId.put(capability.path("id").asString(""), capability);
        }
        List<SetupPage.CapabilityCell> cells = new ArrayList<>();
        for (Capability capability : Capability.values()) {
            JsonNode answer = byId.get(capability.id());
            if (answer == null) {
                cells.add(new SetupPage.CapabilityCell(capability.id(), null, false, List.of()));
                continue;
            }
            String state = answer.path("state").asString("");
            List<String> unmet = new ArrayList<>();
            answer.path("unmet").forEach(reason -> unmet.add(reason.asString("")));
            cells.add(new SetupPage.CapabilityCell(
                    capability.id(),
                    new Badge(state, state.replace('_', ' ')),
                    // the host meets the seed's prerequisites, but Vigil has no check for it to run
                    state.equals("enabled") && !built.contains(capability),
                    unmet));
        }
        return cells;
    }

    /** The server's health: ok, or degraded with its reasons, and the intake queue's backlog when there is one. */
    private SetupPage.Status status() {
        vigil.server.health.Health.Report report = health.report();
        vigil.spi.intake.QueueBacklog queue = report.queue();
        return new SetupPage.Status(
                report.ok(),
                report.reasons(),
                queue == null
                        ? null
                        : new SetupPage.Queue(
                                queue.waiting(),
                                queue.stalledSeconds(),
                                queue.partitions().stream()
                                        .map(partition -> new SetupPage.Partition(
                                                partition.partition(), partition.waiting(), partition.stalledSeconds()))
                                        .toList()));
    }

    private static String deploymentName(String id) {
        try {
            return DeploymentType.ofId(id).displayName();
        } catch (IllegalArgumentException e) {
            return id;
        }
    }

    private static int parseInt(@Nullable String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
