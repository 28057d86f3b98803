package vigil.server.ui;

import static vigil.server.ui.Html.esc;
import static vigil.server.ui.Html.url;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.features.matrix.Availability;
import vigil.features.matrix.Capability;
import vigil.features.matrix.DeploymentType;
import vigil.features.matrix.FeatureMatrix;
import vigil.model.Severity;
import vigil.server.auth.Accounts;
import vigil.server.auth.Logins;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.findings.FindingStore;
import vigil.server.http.ApiRoutes;
import vigil.server.http.LoginBodies;
import vigil.server.http.SecuredRoutes;

/** The web UI's pages and forms, each declared with its permission like every other route. */
public final class UiRoutes {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The capabilities Vigil has code for. The others the seed's matrix offers are reported by agents as their
     * prerequisites say, but shown as "not built yet", never as enabled (ADR 0029).
     */
    static final java.util.Set<Capability> BUILT = java.util.EnumSet.of(Capability.VULNERABILITIES);

    /** The findings page's filters, status first: facet links and the next page keep all of them. */
    private static final List<String> FINDING_FILTERS =
            List.of("status", "severity", "q", "resource", "rule", "package", "assignee");

    private final Accounts accounts;
    private final Logins logins;
    private final FindingStore findings;
    private final Jdbi jdbi;
    private final byte[] htmx;
    private final byte[] css;

    private final FeatureMatrix matrix;
    private final vigil.server.health.Health health;

    public UiRoutes(
            Accounts accounts,
            Logins logins,
            FindingStore findings,
            Jdbi jdbi,
            FeatureMatrix matrix,
            vigil.server.health.Health health)
            throws IOException {
        this.health = health;
        this.matrix = matrix;
        this.accounts = accounts;
        this.logins = logins;
        this.findings = findings;
        this.jdbi = jdbi;
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
            ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        });
        routes.page("/account", Permission.READ, ctx -> accountPage(ctx, 200, null));
        routes.form("/account/password", Permission.READ, this::changePassword);
        routes.page("/", Permission.READ, ctx -> ctx.redirect("/findings"));
        routes.page("/findings", Permission.READ, this::findingsPage);
        routes.form("/ui/findings/{id}/mute", Permission.TRIAGE, this::mute);
        routes.form("/ui/findings/{id}/unmute", Permission.TRIAGE, this::unmute);
        routes.form("/ui/findings/{id}/assign", Permission.TRIAGE, this::assign);
        routes.page("/resources", Permission.READ, this::resourcePage);
        routes.page("/vulnerabilities", Permission.READ, this::vulnerabilitiesPage);
        routes.page("/setup", Permission.READ, this::setupPage);
    }

    private static void asset(Context ctx, byte[] body, String type) {
        ctx.contentType(type).header("Cache-Control", "max-age=3600").result(body);
    }

    private static String loginPage(@Nullable String error, @Nullable String next) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in · Vigil</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/vigil.css\"></head><body><form class=\"login\""
                + " method=\"post\" action=\"/login\"><h1>Vigil</h1>"
                + (error == null ? "" : "<p class=\"error\" role=\"alert\">" + esc(error) + "</p>")
                + "<input type=\"hidden\" name=\"next\" value=\"" + esc(safeNext(next)) + "\">"
                + "<label>Email<input name=\"email\" type=\"email\" autocomplete=\"username\" required></label>"
                + "<label>Password<input name=\"password\" type=\"password\" autocomplete=\"current-password\""
                + " required></label><label>Organization<input name=\"organization\" autocomplete=\"organization\""
                + " placeholder=\"only if not the server's first\"></label><button type=\"submit\">Sign in</button>"
                + "</form></body></html>";
    }

    /** A page of its own for when the store is unavailable (no session can be checked then): cause and advice. */
    public static String unavailablePage(String reason, String advice) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unavailable · Vigil</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/vigil.css\"></head><body><main><h1>Vigil is"
                + " unavailable: " + esc(reason) + "</h1><p class=\"error\" role=\"alert\">" + esc(advice)
                + "</p><p>The server recovers by itself once the cause is gone; reload this page then.</p></main>"
                + "</body></html>";
    }

    /** The page for a path no route answers: what was asked, and a way back. */
    public static String notFoundPage(String path) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found · Vigil</title>"
                + "<link rel=\"stylesheet\" href=\"/assets/vigil.css\"></head><body><main><h1>Not found</h1>"
                + "<p class=\"error\" role=\"alert\">Vigil has no page " + esc(path) + ".</p><p><a href=\"/findings\">"
                + "Go to the findings</a></p></main></body></html>";
    }

    /** The server's health: ok, or degraded with its reasons, and the intake queue's backlog when there is one. */
    private String statusSection() {
        vigil.server.health.Health.Report report = health.report();
        StringBuilder html = new StringBuilder("<h2>Server status</h2><p id=\"status\">")
                .append(report.ok() ? Html.badge("ok", "ok") : Html.badge("degraded", "degraded"))
                .append("</p>");
        if (!report.ok()) {
            html.append("<ul id=\"status-reasons\">");
            for (String reason : report.reasons()) {
                html.append("<li>").append(esc(reason)).append("</li>");
            }
            html.append("</ul>");
        }
        vigil.spi.intake.QueueBacklog queue = report.queue();
        if (queue != null) {
            html.append("<p id=\"queue-lag\">Intake queue: ")
                    .append(esc(queue.waiting()))
                    .append(" acknowledged batches waiting to be stored")
                    .append(queue.stalledSeconds() > 0 ? ", no progress for " + queue.stalledSeconds() + " s" : "")
                    .append("</p><table id=\"queue\"><thead><tr><th>Partition</th><th>Waiting</th>"
                            + "<th>No progress for</th></tr></thead><tbody>");
            for (vigil.spi.intake.QueueBacklog.Partition partition : queue.partitions()) {
                html.append("<tr><td>")
                        .append(partition.partition())
                        .append("</td><td>")
                        .append(partition.waiting())
                        .append("</td><td>")
                        .append(partition.stalledSeconds())
                        .append(" s</td></tr>");
            }
            html.append("</tbody></table>");
        }
        return html.toString();
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
                ctx.redirect(safeNext(next), io.javalin.http.HttpStatus.SEE_OTHER);
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
        Principal principal = SecuredRoutes.principal(ctx);
        String html = (message == null
                        ? ""
                        : "<p class=\"" + (status < 300 ? "notice" : "error") + "\" role=\"alert\">" + esc(message)
                                + "</p>")
                + "<form class=\"password\" method=\"post\" action=\"/account/password\"><h2>Change password</h2>"
                + "<label>Current password<input name=\"current\" type=\"password\""
                + " autocomplete=\"current-password\" required></label><label>New password (at least "
                + Accounts.MIN_PASSWORD + " characters)<input name=\"new\" type=\"password\""
                + " autocomplete=\"new-password\" minlength=\"" + Accounts.MIN_PASSWORD + "\" required></label>"
                + "<label>New password again<input name=\"confirm\" type=\"password\" autocomplete=\"new-password\""
                + " required></label><button>Change password</button><p>Your other sessions are signed out.</p>"
                + "</form>";
        ctx.status(status).html(Html.page("Account", "Account", principal.subject(), html));
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
            ctx.status(400)
                    .html(Html.page(
                            "Findings",
                            "Findings",
                            principal.subject(),
                            "<p class=\"error\" role=\"alert\">" + esc(error) + "</p><p><a href=\"/findings\">"
                                    + "Back to the open findings</a></p>"));
            return;
        }
        List<String> statuses = parsed.statuses();
        List<Severity> severities = parsed.severities();
        String statusLabel = statuses.isEmpty() ? "all" : String.join(", ", statuses);
        FindingStore.Page page = findings.query(
                principal.orgId(),
                new FindingStore.Filter(
                        statuses,
                        severities,
                        null,
                        blankToNull(resource),
                        blankToNull(rule),
                        blankToNull(q),
                        ApiRoutes.assignee(assignee, principal),
                        pkg,
                        100,
                        offset,
                        after));
        StringBuilder html = new StringBuilder();
        html.append("<div class=\"charts\">");
        // the chart counts what the list lists: every filter applies (the page's facets are those counts)
        List<Map.Entry<String, Long>> bySeverity = new ArrayList<>();
        Map<String, Long> severityCounts = page.facets().getOrDefault("severity", Map.of());
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity level = Severity.values()[i];
            bySeverity.add(Map.entry(level.name(), severityCounts.getOrDefault(level.name(), 0L)));
        }
        html.append(Charts.bars(
                "by-severity",
                page.totalExact()
                        ? "Findings by severity (" + statusLabel + ", as filtered)"
                        : "Findings by severity: not counted, too many match the text",
                bySeverity));
        html.append(Charts.line("over-time", "Unresolved findings, last 30 days", overTime(principal.orgId())));
        html.append("</div><div class=\"layout\"><aside class=\"facets\">");
        facet(html, "Status", "status", status, List.of("open", "muted", "resolved", "all"), Map.of(), ctx);
        facet(
                html,
                "Severity",
                "severity",
                severity == null ? "" : severity.toLowerCase(Locale.ROOT),
                List.of("critical", "high", "medium", "low", "negligible", "unknown"),
                lowerKeys(page.facets().getOrDefault("severity", Map.of())),
                ctx);
        String assigneeSelected = assignee == null ? "" : assignee.strip().toLowerCase(Locale.ROOT);
        facet(
                html,
                "Assignee",
                "assignee",
                assigneeSelected,
                assigneeSelected.isEmpty() || assigneeSelected.equals("me")
                        ? List.of("me")
                        : List.of("me", assigneeSelected),
                Map.of(),
                ctx);
        html.append("</aside><section><form class=\"filters\" method=\"get\" action=\"/findings\">")
                .append("<input type=\"hidden\" name=\"status\" value=\"")
                .append(esc(status))
                .append(
                        assignee == null
                                ? ""
                                : "\"><input type=\"hidden\" name=\"assignee\" value=\"" + esc(assignee.strip()))
                .append("\"><input name=\"q\" placeholder=\"CVE, package, host\" value=\"")
                .append(esc(q))
                .append("\"><button>Filter</button></form>");
        String firstPage = findingsLink(ctx, status, null);
        if (page.rows().isEmpty() && (offset > 0 || after != null)) {
            html.append("<p id=\"past-end\" class=\"notice\">No findings on this page: it is past the last one (")
                    .append(page.totalExact() ? page.total() + " findings in all" : "many findings in all")
                    .append("). <a href=\"")
                    .append(esc(firstPage))
                    .append("\">Back to the first page</a></p></section></div>");
            ctx.html(Html.page("Findings", "Findings", principal.subject(), html.toString()));
            return;
        }
        html.append("<p id=\"total\">")
                .append(
                        page.totalExact()
                                ? page.total() + " findings"
                                : "More than " + String.format(Locale.ROOT, "%,d", page.total())
                                        + " findings match; counts stop there. Add a filter or a longer text to count"
                                        + " them.")
                .append("</p><table id=\"findings\"><thead><tr><th>Severity</th><th>Vulnerability</th>")
                .append("<th>Package</th><th>Resource</th><th>Fixed in</th><th>Status</th><th>Assignee</th><th></th>"
                        + "</tr></thead><tbody>");
        boolean canTriage = principal.allows(Permission.TRIAGE);
        for (FindingStore.Row row : page.rows()) {
            html.append(findingRow(row, canTriage, true));
        }
        html.append("</tbody></table>");
        if (canTriage) {
            html.append(usersList(principal.orgId()));
        }
        if (page.next() != null) {
            // the next page by cursor: as quick at the millionth finding as at the first
            html.append("<p><a rel=\"next\" href=\"")
                    .append(esc(findingsLink(ctx, status, page.next().token())))
                    .append("\">Next 100</a>");
            if (offset > 0 || after != null) {
                html.append(" · <a href=\"").append(esc(firstPage)).append("\">First page</a>");
            }
            html.append("</p>");
        }
        html.append("</section></div>");
        ctx.html(Html.page("Findings", "Findings", principal.subject(), html.toString()));
    }

    /** The findings page with the request's filters, from its first page or after {@code cursor}. */
    private static String findingsLink(Context ctx, String status, @Nullable String cursor) {
        StringBuilder link = new StringBuilder("/findings?status=").append(url(status));
        for (String key : FINDING_FILTERS.subList(1, FINDING_FILTERS.size())) {
            String value = ctx.queryParam(key);
            if (value != null && !value.isBlank()) {
                link.append('&').append(key).append('=').append(url(value));
            }
        }
        if (cursor != null) {
            link.append("&cursor=").append(url(cursor));
        }
        return link.toString();
    }

    /** The over-time chart reads every finding of the organization; a minute-old answer is good enough. */
    private List<Map.Entry<java.time.LocalDate, Long>> overTime(String orgId) {
        long now = System.nanoTime();
        CachedSeries cached = series.get(orgId);
        if (cached != null
                && now - cached.at() < java.time.Duration.ofMinutes(1).toNanos()) {
            return cached.days();
        }
        List<Map.Entry<java.time.LocalDate, Long>> days = findings.unresolvedByDay(orgId, 30);
        series.put(orgId, new CachedSeries(now, days));
        return days;
    }

    private record CachedSeries(long at, List<Map.Entry<java.time.LocalDate, Long>> days) {}

    private final java.util.concurrent.ConcurrentHashMap<String, CachedSeries> series =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, Long> lowerKeys(Map<String, Long> counts) {
        Map<String, Long> lower = new LinkedHashMap<>();
        counts.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
        return lower;
    }

    private static String fixText(@Nullable String fixState) {
        return switch (fixState == null ? "" : fixState) {
            case "WONT_FIX" -> "will not fix";
            case "NOT_FIXED" -> "no fix yet";
            default -> "";
        };
    }

    private static void facet(
            StringBuilder html,
            String title,
            String parameter,
            String selected,
            List<String> values,
            Map<String, Long> counts,
            Context ctx) {
        html.append("<h3>").append(esc(title)).append("</h3>");
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
            query.forEach(
                    (key, v) -> href.append(url(key)).append('=').append(url(v)).append("&"));
            html.append("<a class=\"facet")
                    .append(value.equals(selected) ? " on" : "")
                    .append("\" data-facet=\"")
                    .append(esc(parameter + ":" + value))
                    .append("\" href=\"")
                    .append(esc(href.toString()))
                    .append("\">")
                    .append(esc(value))
                    .append(counts.containsKey(value) ? " (" + counts.get(value) + ")" : "")
                    .append("</a>");
        }
    }

    /** One finding as a table row: severity, vulnerability, package, resource (when asked), fix, status, triage. */
    private static String findingRow(FindingStore.Row row, boolean canTriage, boolean withResource) {
        StringBuilder html = new StringBuilder("<tr data-id=\"")
                .append(esc(row.id()))
                .append("\"><td>")
                .append(Html.badge(row.severity(), row.severity()))
                .append("</td><td><strong>")
                .append(esc(row.ruleId()))
                .append("</strong><br><small>")
                .append(esc(row.title()))
                .append("</small></td><td>")
                .append(esc(row.packageName()))
                .append(" ")
                .append(esc(row.packageVersion()))
                .append("</td>");
        if (withResource) {
            html.append("<td><a href=\"/findings?status=all&amp;resource=")
                    .append(esc(url(row.resourceName())))
                    .append("\">")
                    .append(esc(row.resourceName()))
                    .append("</a> <a class=\"resource-page\" href=\"/resources?id=")
                    .append(esc(url(row.resourceId())))
                    .append("\" title=\"resource page\">&#8599;</a></td>");
        }
        return html.append("<td>")
                .append(row.fixedVersion() == null ? esc(fixText(row.fixState())) : esc(row.fixedVersion()))
                .append("</td><td>")
                .append(Html.badge(row.status(), row.status()))
                .append(row.mutedReason() == null ? "" : "<br><small>" + esc(row.mutedReason()) + "</small>")
                .append("</td><td class=\"assignee\">")
                .append(esc(row.assignee()))
                .append("</td><td>")
                .append(triage(row, canTriage))
                .append("</td></tr>")
                .toString();
    }

    /**
     * The triage controls of a row: mute an open finding (with a reason), unmute a muted one; assign any finding to
     * a user of the organization (an empty assignee clears it).
     */
    private static String triage(FindingStore.Row row, boolean canTriage) {
        if (!canTriage) {
            return "";
        }
        String assign = "<form method=\"post\" action=\"/ui/findings/" + esc(url(row.id())) + "/assign\""
                + " class=\"assign\"><input name=\"assignee\" type=\"email\" list=\"users\" placeholder=\"assignee\""
                + " aria-label=\"assignee\" value=\"" + esc(row.assignee()) + "\"><button>Assign</button></form>";
        if (row.status().equals("open")) {
            return "<form method=\"post\" action=\"/ui/findings/" + esc(url(row.id())) + "/mute\" class=\"mute\">"
                    + "<input name=\"reason\" placeholder=\"reason\" required><button>Mute</button></form>" + assign;
        }
        if (row.status().equals("muted")) {
            return "<form method=\"post\" action=\"/ui/findings/" + esc(url(row.id())) + "/unmute\" class=\"unmute\">"
                    + "<button>Unmute</button></form>" + assign;
        }
        return assign;
    }

    /** The organization's users, offered by the assign forms' inputs. */
    private String usersList(String orgId) {
        List<String> emails = jdbi.withHandle(
                handle -> handle.createQuery("SELECT email FROM users WHERE org_id = :org ORDER BY email")
                        .bind("org", orgId)
                        .mapTo(String.class)
                        .list());
        StringBuilder html = new StringBuilder("<datalist id=\"users\">");
        emails.forEach(
                email -> html.append("<option value=\"").append(esc(email)).append("\">"));
        return html.append("</datalist>").toString();
    }

    private void assign(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String value = Optional.ofNullable(ctx.formParam("assignee")).orElse("").strip();
        String assignee = value.isEmpty() ? null : ApiRoutes.assignee(value, principal);
        if (!findings.assign(principal.orgId(), ctx.pathParam("id"), assignee, principal.subject())) {
            ctx.status(404)
                    .html(
                            Html.page(
                                    "Findings",
                                    "Findings",
                                    principal.subject(),
                                    "<p class=\"error\">No finding with that id, or no user " + esc(assignee)
                                            + " in this organization.</p><p><a href=\"/findings\">Back to the findings</a></p>"));
            return;
        }
        String back = ctx.header("Referer");
        ctx.redirect(
                back != null && (back.contains("/findings") || back.contains("/resources")) ? back : "/findings",
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void unmute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!findings.unmute(principal.orgId(), ctx.pathParam("id"), principal.subject())) {
            ctx.status(404)
                    .html(Html.page(
                            "Findings",
                            "Findings",
                            principal.subject(),
                            "<p class=\"error\">No muted" + " finding with that id.</p>"));
            return;
        }
        String back = ctx.header("Referer");
        ctx.redirect(
                back != null && (back.contains("/findings") || back.contains("/resources")) ? back : "/findings",
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void resourcePage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = Optional.ofNullable(ctx.queryParam("id")).orElse("");
        record Stored(
                String type,
                String name,
                @Nullable String os,
                int packages,
                long scannedAt,
                String sbom,
                @Nullable String scanState,
                @Nullable String scanNote) {}
        Optional<Stored> inventory = jdbi.withHandle(handle -> handle.createQuery("SELECT resource_type,"
                        + " resource_name, os, packages, scanned_at, inventory, scan_state, scan_note FROM inventories"
                        + " WHERE org_id = :org AND resource_id = :id")
                .bind("org", principal.orgId())
                .bind("id", id)
                .map((rs, c) -> new Stored(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getLong(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)))
                .findOne());
        FindingStore.Page page = findings.query(
                principal.orgId(),
                new FindingStore.Filter(List.of("open", "muted"), List.of(), null, id, null, null, null, 500, 0));
        if (inventory.isEmpty() && page.total() == 0) {
            ctx.status(404)
                    .html(Html.page(
                            "Resource",
                            "",
                            principal.subject(),
                            "<p class=\"error\">No resource " + esc(id) + " in this organization.</p>"));
            return;
        }
        StringBuilder html = new StringBuilder("<dl id=\"resource\">");
        html.append("<dt>Id</dt><dd>").append(esc(id)).append("</dd>");
        inventory.ifPresent(stored -> html.append("<dt>Type</dt><dd>")
                .append(esc(stored.type()))
                .append("</dd><dt>Operating system</dt><dd>")
                .append(esc(stored.os() == null ? "unknown" : stored.os()))
                .append("</dd><dt>Packages</dt><dd id=\"packages\">")
                .append(stored.packages())
                .append("</dd><dt>Last scan</dt><dd>")
                .append(esc(Instant.ofEpochMilli(stored.scannedAt()).toString()))
                .append("</dd><dt>Scan</dt><dd id=\"scan-state\">")
                .append(esc(vigil.server.findings.ScanState.describe(
                        stored.scanState(), stored.scanNote(), stored.scannedAt(), System.currentTimeMillis())))
                .append("</dd>"));
        html.append("</dl><p id=\"total\">")
                .append(page.total())
                .append(" open or muted findings</p><table id=\"findings\"><thead><tr><th>Severity</th>")
                .append("<th>Vulnerability</th><th>Package</th><th>Fixed in</th><th>Status</th><th>Assignee</th>")
                .append("<th></th></tr></thead><tbody>");
        boolean canTriage = principal.allows(Permission.TRIAGE);
        for (FindingStore.Row row : page.rows()) {
            html.append(findingRow(row, canTriage, false));
        }
        html.append("</tbody></table>");
        if (canTriage) {
            html.append(usersList(principal.orgId()));
        }
        if (inventory.isPresent()) {
            html.append("<h2>Packages</h2><table id=\"package-list\"><thead><tr><th>Package</th><th>Version</th>")
                    .append("<th>Package URL</th></tr></thead><tbody>");
            for (JsonNode component : JSON.readTree(inventory.get().sbom()).path("components")) {
                if (component.path("type").asString("").equals("operating-system")) {
                    continue;
                }
                html.append("<tr><td>")
                        .append(esc(component.path("name").asString("")))
                        .append("</td><td>")
                        .append(esc(component.path("version").asString("")))
                        .append("</td><td><small>")
                        .append(esc(component.path("purl").asString("")))
                        .append("</small></td></tr>");
            }
            html.append("</tbody></table>");
        }
        String title = inventory.map(Stored::name).orElse(id);
        ctx.html(Html.page(title, "", principal.subject(), html.toString()));
    }

    private void mute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String reason = Optional.ofNullable(ctx.formParam("reason")).orElse("").strip();
        if (reason.isEmpty()) {
            ctx.status(400)
                    .html(Html.page(
                            "Findings",
                            "Findings",
                            principal.subject(),
                            "<p class=\"error\">A mute"
                                    + " needs a reason.</p><p><a href=\"/findings\">Back to the findings</a></p>"));
            return;
        }
        if (!findings.mute(principal.orgId(), ctx.pathParam("id"), reason, null, principal.subject())) {
            ctx.status(404)
                    .html(Html.page(
                            "Findings",
                            "Findings",
                            principal.subject(),
                            "<p class=\"error\">No open" + " finding with that id.</p>"));
            return;
        }
        String back = ctx.header("Referer");
        ctx.redirect(
                back != null && (back.contains("/findings") || back.contains("/resources")) ? back : "/findings",
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void vulnerabilitiesPage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String by = Optional.ofNullable(ctx.queryParam("by")).orElse("cve");
        List<String> options = List.of("cve", "package", "host", "image");
        if (!options.contains(by)) {
            by = "cve";
        }
        StringBuilder html = new StringBuilder("<p>Group by: ");
        for (String option : options) {
            html.append(
                            option.equals(by)
                                    ? "<strong>" + option + "</strong>"
                                    : "<a href=\"/vulnerabilities?by=" + option + "\">" + option + "</a>")
                    .append(" ");
        }
        int size = 100;
        int pageNumber = Math.max(1, parseInt(ctx.queryParam("page")));
        boolean resources = by.equals("host") || by.equals("image");
        FindingStore.Groups groups = resources
                ? findings.resources(principal.orgId(), by.equals("image"), size, (pageNumber - 1) * size)
                : findings.groups(principal.orgId(), by, size, (pageNumber - 1) * size);
        long first = groups.rows().isEmpty() ? 0 : (long) (pageNumber - 1) * size + 1;
        long last = (long) (pageNumber - 1) * size + groups.rows().size();
        html.append("</p><p id=\"showing\">")
                .append(
                        groups.rows().isEmpty() && pageNumber > 1
                                ? "Nothing on this page: there are " + groups.total() + " in all."
                                : "Showing " + first + "–" + last + " of " + groups.total())
                .append("</p>");
        html.append("<table id=\"groups\"><thead><tr><th>")
                .append(
                        switch (by) {
                            case "package" -> "Package";
                            case "host" -> "Host";
                            case "image" -> "Image";
                            default -> "Vulnerability";
                        })
                .append("</th><th>Worst severity</th><th>Open findings</th><th>")
                .append(resources ? "Scan" : "Resources")
                .append("</th></tr></thead><tbody>");
        for (Map<String, Object> group : groups.rows()) {
            String key = String.valueOf(group.get("key"));
            // each drill-down lists exactly what its row counts: unresolved findings of this key
            String filter = switch (by) {
                case "host", "image" -> "resource=" + url(String.valueOf(group.get("id")));
                case "cve" -> "rule=" + url(key);
                default -> "package=" + url(key);
            };
            String severity = String.valueOf(group.get("severity"));
            html.append("<tr><td><a href=\"/findings?status=open,muted&amp;")
                    .append(esc(filter))
                    .append("\">")
                    .append(esc(key))
                    .append("</a></td><td>")
                    .append(severity.isEmpty() ? "" : Html.badge(severity, severity))
                    .append("</td><td>")
                    .append(group.get("findings"))
                    .append("</td><td>");
            if (resources) {
                String scan = String.valueOf(group.get("scan"));
                html.append(
                                scan.startsWith("scanned")
                                        ? Html.badge("ok", "scanned")
                                        : Html.badge(
                                                scan.startsWith("stale") ? "stale" : "not-scanned",
                                                scan.startsWith("stale") ? "stale" : "not scanned"))
                        .append(scan.equals("scanned") ? "" : "<br><small>" + esc(scan) + "</small>")
                        .append(" <a class=\"resource-page\" href=\"/resources?id=")
                        .append(esc(url(String.valueOf(group.get("id")))))
                        .append("\" title=\"resource page\">&#8599;</a>");
            } else {
                html.append(group.get("resources"));
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table><p class=\"pages\">");
        if (pageNumber > 1) {
            html.append("<a rel=\"prev\" href=\"/vulnerabilities?by=")
                    .append(by)
                    .append("&amp;page=")
                    .append(pageNumber - 1)
                    .append("\">Previous ")
                    .append(size)
                    .append("</a> ");
        }
        if (last < groups.total()) {
            html.append("<a rel=\"next\" href=\"/vulnerabilities?by=")
                    .append(by)
                    .append("&amp;page=")
                    .append(pageNumber + 1)
                    .append("\">Next ")
                    .append(size)
                    .append("</a>");
        }
        html.append("</p>");
        ctx.html(Html.page("Vulnerabilities", "Vulnerabilities", principal.subject(), html.toString()));
    }

    private void setupPage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        long staleBefore = System.currentTimeMillis() - ApiRoutes.STALE_AFTER.toMillis();
        StringBuilder html = new StringBuilder(statusSection());
        html.append("<h2>Hosts and clusters</h2><table id=\"agents\"><thead><tr>"
                + "<th>Host</th><th>Deployment</th><th>Agent</th><th>Last seen</th>");
        for (Capability capability : Capability.values()) {
            html.append("<th>").append(esc(capability.displayName())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        record Agent(
                String hostname,
                String deployment,
                String version,
                long lastSeen,
                String capabilities,
                String id,
                long dropped,
                long droppedBytes) {}
        List<Agent> agents = jdbi.withHandle(handle -> handle.createQuery("SELECT hostname, deployment, version,"
                        + " last_seen, capabilities, id, spool_dropped, spool_dropped_bytes FROM agents"
                        + " WHERE org_id = :org ORDER BY hostname")
                .bind("org", principal.orgId())
                .map((rs, c) -> new Agent(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getLong(8)))
                .list());
        if (agents.isEmpty()) {
            html.append("<tr><td colspan=\"9\">No agent has reported yet. Run <code>vigil agent run</code> with an"
                    + " intake API key on each host.</td></tr>");
        }
        for (Agent agent : agents) {
            html.append("<tr><td><a href=\"/resources?id=")
                    .append(esc(url("host:" + agent.id())))
                    .append("\">")
                    .append(esc(agent.hostname()))
                    .append("</a></td><td>")
                    .append(esc(deploymentName(agent.deployment())))
                    .append("</td><td>")
                    .append(esc(agent.version()))
                    .append(
                            vigil.features.check.CapabilityCheck.meetsMinimum(
                                            agent.version(), matrix.agentMinimumVersion())
                                    ? ""
                                    : " " + Html.badge("stale", "older than " + matrix.agentMinimumVersion()))
                    .append("</td><td>")
                    .append(esc(Instant.ofEpochMilli(agent.lastSeen()).toString()))
                    .append(agent.lastSeen() < staleBefore ? " " + Html.badge("stale", "stale") : "")
                    .append(droppedWarning(agent.dropped(), agent.droppedBytes()))
                    .append("</td>");
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode capability : JSON.readTree(agent.capabilities())) {
                byId.put(capability.path("id").asString(""), capability);
            }
            for (Capability capability : Capability.values()) {
                JsonNode answer = byId.get(capability.id());
                html.append("<td class=\"capability\" data-capability=\"")
                        .append(capability.id())
                        .append("\">");
                if (answer == null) {
                    html.append("not reported");
                } else {
                    String state = answer.path("state").asString("");
                    if (state.equals("enabled") && !BUILT.contains(capability)) {
                        // the host meets the seed's prerequisites, but Vigil has no check for it to run
                        html.append(Html.badge("not-built", "not built yet"))
                                .append("<br><small>prerequisites met; Vigil does not run this yet</small>");
                    } else {
                        html.append(Html.badge(state, state.replace('_', ' ')));
                    }
                    if (answer.path("unmet").size() > 0) {
                        html.append("<ul class=\"unmet\">");
                        answer.path("unmet")
                                .forEach(reason -> html.append("<li>")
                                        .append(esc(reason.asString("")))
                                        .append("</li>"));
                        html.append("</ul>");
                    }
                }
                html.append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table><h2>What runs where</h2><table id=\"matrix\"><thead><tr><th>Deployment</th>"
                + "<th>Agent</th>");
        for (Capability capability : Capability.values()) {
            html.append("<th>").append(esc(capability.displayName())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (DeploymentType type : DeploymentType.values()) {
            FeatureMatrix.Deployment deployment = matrix.deployment(type);
            html.append("<tr><td>")
                    .append(esc(type.displayName()))
                    .append("</td><td>")
                    .append(deployment.agentRequired() ? "required" : "")
                    .append("</td>");
            for (Capability capability : Capability.values()) {
                Availability availability = deployment.availability(capability);
                html.append("<td>")
                        .append(
                                availability == Availability.UNAVAILABLE
                                        ? ""
                                        : Html.badge(
                                                        availability.name(),
                                                        availability == Availability.GA ? "✓" : "beta")
                                                + (BUILT.contains(capability) ? "" : " <small>not built yet</small>"))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        ctx.html(Html.page("Setup", "Setup", principal.subject(), html.toString()));
    }

    /** The agent's spool discarded batches (full or too old): their data never reached the server. */
    private static String droppedWarning(long dropped, long droppedBytes) {
        if (dropped <= 0) {
            return "";
        }
        return " " + Html.badge("dropped", dropped + " batches dropped")
                + "<p class=\"warning dropped\">The agent's spool discarded " + Html.esc(dropped) + " batches ("
                + Html.esc(droppedBytes) + " bytes) since it started: their data never reached the server. Check that"
                + " the host can reach Vigil, or give the spool more room.</p>";
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
