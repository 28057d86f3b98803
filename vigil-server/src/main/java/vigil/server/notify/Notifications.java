package vigil.server.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.Severity;
import vigil.model.finding.Finding;
import vigil.server.auth.SecretBox;

/**
 * Rules that turn new and reopened findings into messages, and their delivery. Messages are written to an outbox
 * in the transaction that raised the findings, so a crash loses none; a dispatcher posts them to a webhook (the
 * finding as JSON) or a Slack-compatible incoming webhook ({@code {"text": ...}}), retrying with exponential
 * backoff. Targets are stored encrypted: webhook URLs are credentials.
 */
public final class Notifications {
    public enum Kind {
        WEBHOOK,
        SLACK
    }

    /** A rule as listed: the target shown only by its host. */
    public record Rule(
            String id,
            String name,
            @Nullable String category,
            Severity minSeverity,
            @Nullable String resource,
            Kind kind,
            String targetHost) {}

    /** What one dispatch round did. */
    public record Round(int delivered, int retried, int failed) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final HttpClient http;
    private final Clock clock;
    private final Duration backoff;
    private final int maxAttempts;

    public Notifications(
            Jdbi jdbi, SecretBox secrets, HttpClient http, Clock clock, Duration backoff, int maxAttempts) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.http = http;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    public String createRule(
            String orgId,
            String name,
            @Nullable String category,
            Severity minSeverity,
            @Nullable String resource,
            Kind kind,
            URI target) {
        if (!"https".equals(target.getScheme()) && !"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("the target must be an http(s) URL");
        }
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO notification_rules (org_id, id, name, category,"
                        + " min_severity, resource, kind, target, created_at) VALUES (:org, :id, :name, :category,"
                        + " :severity, :resource, :kind, :target, :now)")
                .bind("org", orgId)
                .bind("id", id)
                .bind("name", name)
                .bind("category", category)
                .bind("severity", minSeverity.name())
                .bind("resource", resource)
                .bind("kind", kind.name())
                .bind("target", secrets.seal(target.toString()))
                .bind("now", clock.millis())
                .execute());
        return id;
    }

    public List<Rule> rules(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, name, category, min_severity, resource, kind,"
                        + " target FROM notification_rules WHERE org_id = :org ORDER BY name")
                .bind("org", orgId)
                .map((rs, ctx) -> new Rule(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Severity.valueOf(rs.getString(4)),
                        rs.getString(5),
                        Kind.valueOf(rs.getString(6)),
                        String.valueOf(URI.create(secrets.open(rs.getString(7))).getHost())))
                .list());
    }

    public boolean deleteRule(String orgId, String id) {
        return jdbi.withHandle(
                        handle -> handle.createUpdate("DELETE FROM notification_rules WHERE org_id = :org AND id = :id")
                                .bind("org", orgId)
                                .bind("id", id)
                                .execute())
                > 0;
    }

    /** Writes a message per matching rule and raised finding, in the caller's transaction. */
    public int enqueue(Handle handle, String orgId, List<Finding> raised) {
        if (raised.isEmpty()) {
            return 0;
        }
        record Stored(
                String id,
                @Nullable String category,
                Severity minSeverity,
                @Nullable String resource) {}
        List<Stored> rules = handle.createQuery(
                        "SELECT id, category, min_severity, resource FROM notification_rules WHERE org_id = :org")
                .bind("org", orgId)
                .map((rs, ctx) -> new Stored(
                        rs.getString(1), rs.getString(2), Severity.valueOf(rs.getString(3)), rs.getString(4)))
                .list();
        int queued = 0;
        long now = clock.millis();
        for (Finding finding : raised) {
            for (Stored rule : rules) {
                boolean matches = (rule.category() == null
                                || rule.category().equals(finding.category().wireName()))
                        && finding.rule().severity().atLeast(rule.minSeverity())
                        && (rule.resource() == null
                                || rule.resource().equals(finding.resource().id())
                                || rule.resource().equals(finding.resource().name()));
                if (!matches) {
                    continue;
                }
                handle.createUpdate("INSERT INTO notification_outbox (id, org_id, rule_id, payload, attempts,"
                                + " next_attempt_at, created_at) VALUES (:id, :org, :rule, :payload, 0, :now, :now)")
                        .bind("id", UUID.randomUUID().toString())
                        .bind("org", orgId)
                        .bind("rule", rule.id())
                        .bind("payload", payload(finding))
                        .bind("now", now)
                        .execute();
                queued++;
            }
        }
        return queued;
    }

    private static String payload(Finding finding) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", "finding.raised");
        node.put("id", finding.id());
        node.put("category", finding.category().wireName());
        node.put("rule", finding.rule().id());
        node.put("title", finding.rule().title());
        node.put("severity", finding.rule().severity().name().toLowerCase(Locale.ROOT));
        node.put("resourceType", finding.resource().type());
        node.put("resourceId", finding.resource().id());
        node.put("resourceName", finding.resource().name());
        node.put("remediation", finding.remediation());
        node.put("firstSeen", finding.firstSeen().toString());
        return node.toString();
    }

    /** Sends what is due; safe to call from one dispatcher at a time. */
    public Round deliverDue() {
        record Due(String id, String orgId, String ruleId, String payload, int attempts) {}
        long now = clock.millis();
        List<Due> due = jdbi.withHandle(handle -> handle.createQuery("SELECT id, org_id, rule_id, payload, attempts"
                        + " FROM notification_outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND"
                        + " next_attempt_at <= :now ORDER BY created_at LIMIT 100")
                .bind("now", now)
                .map((rs, ctx) ->
                        new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)))
                .list());
        int delivered = 0;
        int retried = 0;
        int failed = 0;
        for (Due message : due) {
            record Target(Kind kind, String sealed) {}
            java.util.Optional<Target> rule = jdbi.withHandle(handle -> handle.createQuery(
                            "SELECT kind, target FROM notification_rules WHERE org_id = :org AND id = :id")
                    .bind("org", message.orgId())
                    .bind("id", message.ruleId())
                    .map((rs, ctx) -> new Target(Kind.valueOf(rs.getString(1)), rs.getString(2)))
                    .findOne());
            String error = rule.isEmpty()
                    ? "the rule was deleted"
                    : send(rule.get().kind(), URI.create(secrets.open(rule.get().sealed())), message.payload());
            int attempts = message.attempts() + 1;
            if (error == null) {
                mark(message.id(), "delivered_at = :now, attempts = :attempts, last_error = NULL", attempts, null);
                delivered++;
            } else if (attempts >= maxAttempts || rule.isEmpty()) {
                mark(message.id(), "failed_at = :now, attempts = :attempts, last_error = :error", attempts, error);
                failed++;
            } else {
                long delay = backoff.toMillis() * (1L << Math.min(attempts - 1, 16));
                jdbi.useHandle(handle -> handle.createUpdate("UPDATE notification_outbox SET attempts = :attempts,"
                                + " next_attempt_at = :next, last_error = :error WHERE id = :id")
                        .bind("attempts", attempts)
                        .bind("next", clock.millis() + delay)
                        .bind("error", error)
                        .bind("id", message.id())
                        .execute());
                retried++;
            }
        }
        return new Round(delivered, retried, failed);
    }

    private void mark(String id, String set, int attempts, @Nullable String error) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE notification_outbox SET " + set + " WHERE id = :id")
                .bind("now", clock.millis())
                .bind("attempts", attempts)
                .bind("error", error)
                .bind("id", id)
                .execute());
    }

    /** Posts one message; null when the receiver took it, else why not. */
    private @Nullable String send(Kind kind, URI target, String payload) {
        String body = payload;
        if (kind == Kind.SLACK) {
            var finding = JSON.readTree(payload);
            ObjectNode slack = JSON.createObjectNode();
            slack.put(
                    "text",
                    "*" + finding.path("severity").asString().toUpperCase(Locale.ROOT) + "* "
                            + finding.path("rule").asString() + " on "
                            + finding.path("resourceName").asString() + ": "
                            + finding.path("title").asString());
            body = slack.toString();
        }
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(target)
                            .timeout(Duration.ofSeconds(15))
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "vigil-notifications")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
