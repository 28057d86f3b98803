package vigil.server.http;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.Severity;
import vigil.server.agents.AgentDirectory;
import vigil.server.auth.Accounts;
import vigil.server.auth.ApiKeyScope;
import vigil.server.auth.Logins;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.findings.FindingExport;
import vigil.server.findings.FindingQueries;
import vigil.server.findings.Triage;
import vigil.server.intake.Bindings;
import vigil.server.intake.Intake;
import vigil.server.notify.Notifications;
import vigil.spi.intake.IntakeException;

/** The routes of the intake and of {@code /api/v1}, each declared with its permission. */
public final class ApiRoutes {
    /** An agent is stale when it has not been heard from for this long (heartbeats come every minute). */
    public static final Duration STALE_AFTER = Duration.ofMinutes(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Accounts accounts;
    private final Logins logins;
    private final Intake intake;
    private final Bindings bindings;
    private final AgentDirectory agents;
    private final FindingQueries findings;
    private final Triage triage;
    private final Notifications notifications;
    private final Jdbi jdbi;
    private final Clock clock;
    private final vigil.server.health.Health health;

    public ApiRoutes(
            Accounts accounts,
            Logins logins,
            Intake intake,
            FindingQueries findings,
            Triage triage,
            Notifications notifications,
            Jdbi jdbi,
            Clock clock,
            vigil.server.health.Health health) {
        this.health = health;
        this.accounts = accounts;
        this.logins = logins;
        this.intake = intake;
        this.bindings = new Bindings(jdbi);
        this.agents = new AgentDirectory(jdbi);
        this.findings = findings;
        this.triage = triage;
        this.notifications = notifications;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public void register(SecuredRoutes routes) {
        routes.get("/healthz", Permission.PUBLIC, this::healthz);
        routes.signIn("/api/v1/login", this::login);
        routes.post("/api/v1/logout", Permission.READ, this::logout);
        routes.post("/api/v1/me/password", Permission.READ, this::changePassword);
        routes.post("/intake/v1/batches", Permission.INTAKE, this::batch);
        routes.get("/api/v1/findings", Permission.READ, this::listFindings);
        routes.get("/api/v1/findings/export", Permission.READ, this::export);
        routes.get("/api/v1/findings/{id}/history", Permission.READ, this::history);
        routes.post("/api/v1/findings/{id}/mute", Permission.TRIAGE, this::mute);
        routes.post("/api/v1/findings/{id}/unmute", Permission.TRIAGE, this::unmute);
        routes.post("/api/v1/findings/{id}/assign", Permission.TRIAGE, this::assign);
        routes.get("/api/v1/agents", Permission.READ, this::agents);
        routes.delete("/api/v1/agents/{id}/binding", Permission.ADMIN, this::releaseAgent);
        routes.delete("/api/v1/images/binding", Permission.ADMIN, this::releaseImage);
        routes.post("/api/v1/api-keys", Permission.ADMIN, this::createKey);
        routes.delete("/api/v1/api-keys/{id}", Permission.ADMIN, this::revokeKey);
        routes.post("/api/v1/users", Permission.ADMIN, this::createUser);
        routes.get("/api/v1/notification-rules", Permission.ADMIN, this::listRules);
        routes.post("/api/v1/notification-rules", Permission.ADMIN, this::createRule);
        routes.delete("/api/v1/notification-rules/{id}", Permission.ADMIN, this::deleteRule);
        routes.get("/api/v1/notification-rules/{id}/deliveries", Permission.ADMIN, this::ruleDeliveries);
        routes.post("/api/v1/notification-rules/{id}/secret", Permission.ADMIN, this::rotateRuleSecret);
    }

    /** 200 ok, or 503 degraded with the reasons (a full disk, a database away, a stalled queue). */
    private void healthz(Context ctx) {
        vigil.server.health.Health.Report report = health.report();
        if (!report.ok()) {
            ctx.header("Retry-After", "10");
        }
        ctx.status(report.ok() ? 200 : 503).json(report.json());
    }

    private void login(Context ctx) {
        Optional<Logins.Throttled> throttled = logins.admit(LoginBodies.address(ctx));
        if (throttled.isPresent()) {
            tooMany(ctx, throttled.get());
            return;
        }
        Logins.Attempt attempt;
        try {
            attempt = LoginBodies.json(LoginBodies.read(ctx));
        } catch (LoginBodies.Refused e) {
            Errors.send(ctx, e.status(), String.valueOf(e.getMessage()));
            return;
        }
        switch (logins.signIn(LoginBodies.address(ctx), attempt)) {
            case Logins.SignedIn(String token) -> {
                SecuredRoutes.sessionCookie(ctx, token, (int) Accounts.SESSION.toSeconds());
                ctx.json(Map.of("token", token));
            }
            case Logins.Refused refused ->
                Errors.send(
                        ctx,
                        401,
                        "wrong email, password or organization (name the organization unless it is"
                                + " the server's first)");
            case Logins.Throttled t -> tooMany(ctx, t);
            case Logins.Busy busy -> {
                ctx.header("Retry-After", String.valueOf(busy.retryAfter().toSeconds()));
                Errors.send(ctx, 503, "the server is checking too many passwords right now; retry in a second");
            }
        }
    }

    /** A 429 that says when to retry, in the header and in the message. */
    public static void tooMany(Context ctx, Logins.Throttled throttled) {
        ctx.header("Retry-After", String.valueOf(throttled.retryAfter().toSeconds()));
        Errors.send(ctx, 429, throttled.message());
    }

    /** Ends the caller's session: its token no longer works, here or in the web UI. */
    private void logout(Context ctx) {
        SecuredRoutes.credential(ctx).ifPresent(accounts::endSession);
        SecuredRoutes.sessionCookie(ctx, "", 0);
        ctx.status(204);
    }

    private void changePassword(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String current = body.path("currentPassword").asString("");
        String next = body.path("newPassword").asString("");
        String token = SecuredRoutes.credential(ctx).orElse("");
        try {
            switch (logins.changePassword(principal, token, current.toCharArray(), next.toCharArray())) {
                case Logins.Changed changed -> ctx.status(204);
                case Logins.WrongPassword wrong -> Errors.send(ctx, 403, "currentPassword is wrong");
                case Logins.Invalid(String message) -> Errors.send(ctx, 400, message);
            }
        } catch (vigil.server.auth.PasswordHashing.Busy e) {
            ctx.header("Retry-After", "1");
            Errors.send(ctx, 503, "the server is checking too many passwords right now; retry in a second");
        }
    }

    private void batch(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        boolean gzip = "gzip".equalsIgnoreCase(ctx.header("Content-Encoding"));
        int share = 0;
        try {
            // the body's bytes are counted before they are received: uploads are bounded in number, not only reads
            share = intake.receive(ctx.contentLength());
            Intake.Result result = intake.accept(principal, ctx.bodyAsBytes(), gzip);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("batchId", result.batchId());
            answer.put("status", result.outcome().name().toLowerCase(Locale.ROOT));
            answer.put("inventories", result.inventories());
            if (result.outcome() != Intake.Outcome.QUEUED) {
                answer.put("findings", result.findings()); // a queued batch is matched later, by a worker
            }
            ctx.status(result.duplicate() ? 200 : 202).json(answer);
        } catch (IntakeException e) {
            if (e.status() == 503) {
                ctx.header("Retry-After", "2");
            }
            Errors.send(ctx, e.status(), String.valueOf(e.getMessage()));
        } finally {
            intake.received(share);
        }
    }

    /** Releases an agent id from its API key: the next intake key to send for it takes it (ADR 0015). */
    private void releaseAgent(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = ctx.pathParam("id");
        if (!bindings.release(principal.orgId(), Bindings.agent(id))) {
            Errors.send(ctx, 404, "agent id " + id + " is not bound to an API key");
            return;
        }
        ctx.status(204);
    }

    /** Releases an image ({@code ?image=sha256:...} or its name, as the 403 named it) from its API key. */
    private void releaseImage(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        String image = Optional.ofNullable(ctx.queryParam("image")).orElse("").strip();
        if (image.isEmpty()) {
            Errors.send(ctx, 400, "name the image: ?image=sha256:... (its digest) or its name when it has no digest");
            return;
        }
        if (!bindings.release(principal.orgId(), "image:" + image)) {
            Errors.send(ctx, 404, "image " + image + " is not bound to an API key");
            return;
        }
        ctx.status(204);
    }

    /** Offsets up to this; past it a page is read by the cursor of the one before (ADR 0028). */
    public static final int MAX_OFFSET = 10_000;

    private void listFindings(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        FindingFilters.Parsed parsed = FindingFilters.parse(ctx.queryParam("status"), ctx.queryParam("severity"));
        if (parsed.error() != null) {
            Errors.send(ctx, 400, parsed.error());
            return;
        }
        Integer limit = integer(ctx, "limit", 100, 1, 1000);
        Integer offset = integer(
                ctx,
                "offset",
                0,
                0,
                MAX_OFFSET,
                "; page further with the cursor: pass each answer's 'next' as ?cursor= for the page after it");
        if (limit == null || offset == null) {
            return;
        }
        vigil.server.findings.Cursor after = null;
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && !cursor.isBlank()) {
            after = vigil.server.findings.Cursor.parse(cursor).orElse(null);
            if (after == null) {
                Errors.send(ctx, 400, "cursor is not one this server gave: pass a page's 'next' value unchanged");
                return;
            }
        }
        FindingQueries.Page page = findings.query(
                principal.orgId(),
                new FindingQueries.Filter(
                        parsed.statuses(),
                        parsed.severities(),
                        ctx.queryParam("category"),
                        ctx.queryParam("resource"),
                        ctx.queryParam("rule"),
                        ctx.queryParam("q"),
                        assignee(ctx.queryParam("assignee"), principal),
                        blankToNull(ctx.queryParam("package")),
                        limit,
                        offset,
                        after));
        ctx.json(ApiViews.FindingPage.of(page, limit, offset));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The assignee filter: an email, or {@code me} for the caller (a user's email; an API key's name). */
    public static @Nullable String assignee(@Nullable String value, Principal principal) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.strip().equalsIgnoreCase("me") ? principal.subject() : value.strip();
    }

    private void export(Context ctx) throws java.io.IOException {
        Principal principal = SecuredRoutes.principal(ctx);
        FindingExport.Format format;
        try {
            format = FindingExport.Format.valueOf(
                    Optional.ofNullable(ctx.queryParam("format")).orElse("csv").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, "format must be csv, json or ocsf");
            return;
        }
        String status = ctx.queryParam("status");
        if (status != null && !List.of("open", "muted", "resolved").contains(status)) {
            Errors.send(ctx, 400, "unknown status '" + status + "'; an export takes one of open, muted or resolved");
            return;
        }
        ctx.contentType(format.contentType());
        ctx.header("Content-Disposition", "attachment; filename=\"vigil-findings." + format.extension() + "\"");
        new FindingExport(jdbi).write(principal.orgId(), status, format, ctx.outputStream());
    }

    private void history(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        Optional<List<Triage.Event>> events = triage.history(principal.orgId(), ctx.pathParam("id"));
        if (events.isEmpty()) {
            Errors.send(ctx, 404, "no finding " + ctx.pathParam("id"));
            return;
        }
        ctx.json(new ApiViews.History(
                ctx.pathParam("id"),
                events.get().stream().map(ApiViews.HistoryEvent::of).toList()));
    }

    private void mute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String reason = body.path("reason").asString("");
        if (reason.isBlank()) {
            Errors.send(ctx, 400, "a mute needs a reason: {\"reason\": \"...\", \"until\": \"2027-01-01T00:00:00Z\"}");
            return;
        }
        Long until = null;
        if (body.hasNonNull("until")) {
            try {
                until = Instant.parse(body.path("until").asString("")).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                Errors.send(ctx, 400, "'until' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
                return;
            }
            if (until <= clock.millis()) {
                Errors.send(ctx, 400, "'until' is in the past");
                return;
            }
        }
        if (!triage.mute(principal.orgId(), ctx.pathParam("id"), reason, until, principal.subject())) {
            Errors.send(ctx, 404, "no open finding " + ctx.pathParam("id"));
            return;
        }
        ctx.json(Map.of("id", ctx.pathParam("id"), "status", "muted"));
    }

    private void unmute(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!triage.unmute(principal.orgId(), ctx.pathParam("id"), principal.subject())) {
            Errors.send(ctx, 404, "no muted finding " + ctx.pathParam("id"));
            return;
        }
        ctx.json(Map.of("id", ctx.pathParam("id"), "status", "open"));
    }

    private void assign(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String assignee = body.hasNonNull("assignee") ? body.path("assignee").asString("") : null;
        if (!triage.assign(principal.orgId(), ctx.pathParam("id"), assignee, principal.subject())) {
            Errors.send(
                    ctx,
                    404,
                    "no finding " + ctx.pathParam("id") + " or no user " + assignee + " in this organization");
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", ctx.pathParam("id"));
        answer.put("assignee", assignee);
        ctx.json(answer);
    }

    private void agents(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        long staleBefore = clock.millis() - STALE_AFTER.toMillis();
        List<ApiViews.AgentView> list = agents.list(principal.orgId()).stream()
                .map(agent -> ApiViews.AgentView.of(agent, staleBefore))
                .toList();
        ctx.json(Map.of("agents", list));
    }

    private void createKey(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String name = name(ctx, body, "an API key");
        if (name == null) {
            return;
        }
        ApiKeyScope scope;
        try {
            scope = ApiKeyScope.valueOf(body.path("scope").asString("intake").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, "scope must be intake or read");
            return;
        }
        Accounts.CreatedKey key = accounts.createApiKey(principal.orgId(), name, scope);
        ctx.status(201)
                .json(Map.of(
                        "id", key.id(),
                        "token", key.token(),
                        "scope", scope.id(),
                        "note", "the token is shown once; Vigil keeps only its hash"));
    }

    private void revokeKey(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        if (!accounts.revokeApiKey(principal.orgId(), ctx.pathParam("id"))) {
            Errors.send(ctx, 404, "no active API key " + ctx.pathParam("id"));
            return;
        }
        ctx.status(204);
    }

    private void createUser(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String email = body.path("email").asString("");
        String password = body.path("password").asString("");
        if (!email.matches("^[^@\\s]+@[^@\\s]+$") || email.length() > 320) {
            Errors.send(ctx, 400, "email must be an address like analyst@example.com");
            return;
        }
        vigil.server.auth.Role role;
        try {
            role = vigil.server.auth.Role.valueOf(body.path("role")
                    .asString("read_only")
                    .toUpperCase(Locale.ROOT)
                    .replace('-', '_'));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, "role must be admin, analyst or read_only");
            return;
        }
        try {
            String id = accounts.createUser(principal.orgId(), email, password.toCharArray(), role);
            ctx.status(201).json(Map.of("id", id, "email", email.toLowerCase(Locale.ROOT), "role", role.name()));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, String.valueOf(e.getMessage()));
        } catch (vigil.server.auth.PasswordHashing.Busy e) {
            ctx.header("Retry-After", "1");
            Errors.send(ctx, 503, "the server is checking too many passwords right now; retry in a second");
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // emails are unique per organization: this one is already a user of the caller's organization
            Errors.send(ctx, 409, "a user with that email exists in this organization");
        }
    }

    private void listRules(Context ctx) {
        ctx.json(
                Map.of("rules", notifications.rules(SecuredRoutes.principal(ctx).orgId())));
    }

    private void createRule(Context ctx) {
        Principal principal = SecuredRoutes.principal(ctx);
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String name = name(ctx, body, "a rule");
        if (name == null) {
            return;
        }
        Severity minimum;
        Notifications.Kind kind;
        java.net.URI target;
        try {
            minimum = Severity.valueOf(body.path("minSeverity").asString("high").toUpperCase(Locale.ROOT));
            kind = Notifications.Kind.valueOf(
                    body.path("kind").asString("webhook").toUpperCase(Locale.ROOT));
            target = java.net.URI.create(body.path("url").asString(""));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, "minSeverity must be a severity, kind webhook or slack, url an http(s) URL");
            return;
        }
        String category = body.hasNonNull("category") ? body.path("category").asString() : null;
        String resource = body.hasNonNull("resource") ? body.path("resource").asString() : null;
        try {
            Notifications.Created created =
                    notifications.createRule(principal.orgId(), name, category, minimum, resource, kind, target);
            ctx.status(201)
                    .json(Map.of(
                            "id", created.id(),
                            "secret", created.secret(),
                            "note",
                                    "the secret is shown once: deliveries carry X-Vigil-Signature, an HMAC-SHA256 of"
                                            + " '<t>.<body>' under it (see docs/adr/0016)"));
        } catch (IllegalArgumentException e) {
            Errors.send(ctx, 400, String.valueOf(e.getMessage()));
        }
    }

    private void ruleDeliveries(Context ctx) {
        Optional<List<Notifications.Delivery>> deliveries =
                notifications.deliveries(SecuredRoutes.principal(ctx).orgId(), ctx.pathParam("id"), 100);
        if (deliveries.isEmpty()) {
            Errors.send(ctx, 404, "no notification rule " + ctx.pathParam("id"));
            return;
        }
        ctx.json(Map.of("deliveries", deliveries.get()));
    }

    private void rotateRuleSecret(Context ctx) {
        Optional<String> secret =
                notifications.rotateSecret(SecuredRoutes.principal(ctx).orgId(), ctx.pathParam("id"));
        if (secret.isEmpty()) {
            Errors.send(ctx, 404, "no notification rule " + ctx.pathParam("id"));
            return;
        }
        ctx.json(Map.of("id", ctx.pathParam("id"), "secret", secret.get(), "note", "the secret is shown once"));
    }

    private void deleteRule(Context ctx) {
        if (!notifications.deleteRule(SecuredRoutes.principal(ctx).orgId(), ctx.pathParam("id"))) {
            Errors.send(ctx, 404, "no notification rule " + ctx.pathParam("id"));
            return;
        }
        ctx.status(204);
    }

    /** The body's "name": 1 to 200 characters, or a 400 naming what needs it. */
    private static @Nullable String name(Context ctx, JsonNode body, String what) {
        String name = body.path("name").asString("");
        if (name.isBlank() || name.length() > 200) {
            Errors.send(ctx, 400, what + " needs a name of 1 to 200 characters");
            return null;
        }
        return name;
    }

    private static @Nullable JsonNode body(Context ctx) {
        try {
            JsonNode node = JSON.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                Errors.send(ctx, 400, "the request body must be a JSON object");
                return null;
            }
            Optional<String> control = TextInput.controlCharacterIn(node);
            if (control.isPresent()) {
                Errors.send(ctx, 400, control.get());
                return null;
            }
            return node;
        } catch (JacksonException e) {
            Errors.send(ctx, 400, "the request body is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static @Nullable Integer integer(Context ctx, String name, int fallback, int min, int max) {
        return integer(ctx, name, fallback, min, max, "");
    }

    private static @Nullable Integer integer(Context ctx, String name, int fallback, int min, int max, String advice) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            Errors.send(ctx, 400, name + " must be a whole number from " + min + " to " + max + advice);
            return null;
        }
    }
}
