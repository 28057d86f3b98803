package vigil.server.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * in the transaction that raised the findings, so a crash loses none; a dispatcher posts them to a webhook (a scan's
 * change set as JSON, ADR 0027) or a Slack-compatible incoming webhook ({@code {"text": ...}}), retrying with exponential
 * backoff. Targets are stored encrypted: webhook URLs are credentials. Targets inside the network are refused and
 * every delivery is signed with the rule's secret ({@link WebhookClient}, {@link WebhookSignature}, ADR 0016).
 */
public final class Notifications {
    public enum Kind {
        WEBHOOK,
        SLACK
    }

    /** A rule as listed: the target shown only by its host; signed once it has a secret. */
    public record Rule(
            String id,
            String name,
            @Nullable String category,
            Severity minSeverity,
            @Nullable String resource,
            Kind kind,
            String targetHost,
            boolean signed) {}

    /** A new rule and its signing secret, shown once. */
    public record Created(String id, String secret) {}

    /** One message of a rule as the deliveries listing shows it: pending, delivered or failed, and why. */
    public record Delivery(
            String id,
            String status,
            int attempts,
            @Nullable String lastError,
            String createdAt,
            @Nullable String finishedAt) {}

    /** What one dispatch round did. */
    public record Round(int delivered, int retried, int failed) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Jdbi jdbi;
    private final SecretBox secrets;
    private final WebhookClient http;
    private final Clock clock;
    private final Duration backoff;
    private final int maxAttempts;

    public Notifications(
            Jdbi jdbi, SecretBox secrets, WebhookClient http, Clock clock, Duration backoff, int maxAttempts) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.http = http;
        this.clock = clock;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    public Created createRule(
            String orgId,
            String name,
            @Nullable String category,
            Severity minSeverity,
            @Nullable String resource,
            Kind kind,
            URI target) {
        http.checkTarget(target);
        String id = UUID.randomUUID().toString();
        String secret = WebhookSignature.newSecret();
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO notification_rules (org_id, id, name, category,"
                        + " min_severity, resource, kind, target, created_at, signing_secret) VALUES (:org, :id, :name,"
                        + " :category, :severity, :resource, :kind, :target, :now, :secret)")
                .bind("org", orgId)
                .bind("id", id)
                .bind("name", name)
                .bind("category", category)
                .bind("severity", minSeverity.name())
                .bind("resource", resource)
                .bind("kind", kind.name())
                .bind("target", secrets.seal(target.toString()))
                .bind("now", clock.millis())
                .bind("secret", secrets.seal(secret))
                .execute());
        return new Created(id, secret);
    }

    /** A new signing secret for a rule (existing rules have none until then), shown once; empty if no such rule. */
    public Optional<String> rotateSecret(String orgId, String id) {
        String secret = WebhookSignature.newSecret();
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE notification_rules SET signing_secret = :secret WHERE org_id = :org AND id = :id")
                .bind("secret", secrets.seal(secret))
                .bind("org", orgId)
                .bind("id", id)
                .execute());
        return updated > 0 ? Optional.of(secret) : Optional.empty();
    }

    /** The latest messages of a rule, newest first; empty if no such rule. */
    public Optional<List<Delivery>> deliveries(String orgId, String ruleId, int limit) {
        return jdbi.withHandle(handle -> {
            boolean exists =
                    handle.createQuery("SELECT COUNT(*) FROM notification_rules WHERE org_id = :org AND id = :id")
                                    .bind("org", orgId)
                                    .bind("id", ruleId)
                                    .mapTo(Long.class)
                                    .one()
                            > 0;
            if (!exists) {
                return Optional.empty();
            }
            return Optional.of(handle.createQuery("SELECT id, attempts, last_error, created_at, delivered_at,"
                            + " failed_at FROM notification_outbox WHERE org_id = :org AND rule_id = :rule"
                            + " ORDER BY created_at DESC, id LIMIT :limit")
                    .bind("org", orgId)
                    .bind("rule", ruleId)
                    .bind("limit", limit)
                    .map((rs, ctx) -> {
                        long deliveredAt = rs.getLong(5);
                        Long delivered = rs.wasNull() ? null : deliveredAt;
                        long failedAt = rs.getLong(6);
                        Long failed = rs.wasNull() ? null : failedAt;
                        Long finished = delivered != null ? delivered : failed;
                        return new Delivery(
                                rs.getString(1),
                                delivered != null ? "delivered" : failed != null ? "failed" : "pending",
                                rs.getInt(2),
                                rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4)).toString(),
                                finished == null
                                        ? null
                                        : Instant.ofEpochMilli(finished).toString());
                    })
                    .list());
        });
    }

    public List<Rule> rules(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, name, category, min_severity, resource, kind,"
                        + " target, signing_secret FROM notification_rules WHERE org_id = :org ORDER BY name")
                .bind("org", orgId)
                .map((rs, ctx) -> new Rule(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Severity.valueOf(rs.getString(4)),
                        rs.getString(5),
                        Kind.valueOf(rs.getString(6)),
                        String.valueOf(URI.create(secrets.open(rs.getString(7))).getHost()),
                        rs.getString(8) != null))
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

    /** At most this many changes go in one delivery; a larger change set is split into numbered parts. */
    static final int MAX_CHANGES_PER_DELIVERY = 200;

    /** And at most about this many bytes of changes (titles and remediations run to 3,000 characters). */
    static final int MAX_BYTES_PER_DELIVERY = 256 * 1024;

    /**
     * Writes one message per matching rule for the changes of one scan (new and reopened findings), in the
     * caller's transaction: a rule's receiver gets the scan's change set as one delivery, split into numbered parts
     * only when it is very large (ADR 0027). Returns the number of messages.
     */
    public int enqueue(Handle handle, String orgId, List<Finding> raised, List<Finding> reopened) {
        if (raised.isEmpty() && reopened.isEmpty()) {
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
        List<Map.Entry<String, Finding>> changes = new java.util.ArrayList<>();
        raised.forEach(finding -> changes.add(Map.entry("finding.raised", finding)));
        reopened.forEach(finding -> changes.add(Map.entry("finding.reopened", finding)));
        int queued = 0;
        long now = clock.millis();
        for (Stored rule : rules) {
            List<ObjectNode> matching = new java.util.ArrayList<>();
            for (Map.Entry<String, Finding> change : changes) {
                Finding finding = change.getValue();
                boolean matches = (rule.category() == null
                                || rule.category().equals(finding.category().wireName()))
                        && finding.rule().severity().atLeast(rule.minSeverity())
                        && (rule.resource() == null
                                || rule.resource().equals(finding.resource().id())
                                || rule.resource().equals(finding.resource().name()));
                if (matches) {
                    matching.add(change(change.getKey(), finding));
                }
            }
            List<String> parts = payloads(matching, MAX_CHANGES_PER_DELIVERY, MAX_BYTES_PER_DELIVERY);
            for (String payload : parts) {
                handle.createUpdate("INSERT INTO notification_outbox (id, org_id, rule_id, payload, attempts,"
                                + " next_attempt_at, created_at) VALUES (:id, :org, :rule, :payload, 0, :now, :now)")
                        .bind("id", UUID.randomUUID().toString())
                        .bind("org", orgId)
                        .bind("rule", rule.id())
                        .bind("payload", payload)
                        .bind("now", now)
                        .execute();
                queued++;
            }
        }
        return queued;
    }

    /**
     * The messages of one change set: {@code {"event": "findings.changed", "part": i, "parts": n, "changes": [...]}},
     * each part at most {@code maxChanges} changes and about {@code maxBytes} bytes (a single change always fits).
     */
    static List<String> payloads(List<ObjectNode> changes, int maxChanges, int maxBytes) {
        List<List<ObjectNode>> parts = new java.util.ArrayList<>();
        List<ObjectNode> part = new java.util.ArrayList<>();
        long bytes = 0;
        for (ObjectNode change : changes) {
            int size = change.toString().length();
            if (!part.isEmpty() && (part.size() >= maxChanges || bytes + size > maxBytes)) {
                parts.add(part);
                part = new java.util.ArrayList<>();
                bytes = 0;
            }
            part.add(change);
            bytes += size;
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        List<String> payloads = new java.util.ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            ObjectNode node = JSON.createObjectNode();
            node.put("event", "findings.changed");
            node.put("part", i + 1);
            node.put("parts", parts.size());
            var list = node.putArray("changes");
            parts.get(i).forEach(list::add);
            payloads.add(node.toString());
        }
        return payloads;
    }

    /** One change of a change set: the finding, and whether it is new ({@code finding.raised}) or reopened. */
    private static ObjectNode change(String event, Finding finding) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", event);
        node.put("id", finding.id());
        node.put("category", finding.category().wireName());
        node.put("rule", finding.rule().id());
        node.put("title", finding.rule().title());
        node.put("severity", finding.rule().severity().name().toLowerCase(Locale.ROOT));
        node.put("resourceType", finding.resource().type());
        node.put("resourceId", finding.resource().id());
        node.put("resourceName", finding.resource().name());
        node.put(
                "package",
                finding.evidence() instanceof vigil.model.finding.Evidence.VulnerablePackage p
                        ? p.packageName()
                        : null);
        node.put("remediation", finding.remediation());
        node.put("firstSeen", finding.firstSeen().toString());
        return node;
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
            record Target(
                    Kind kind, String sealed, @Nullable String secret) {}
            Optional<Target> rule = jdbi.withHandle(handle -> handle.createQuery("SELECT kind, target, signing_secret"
                            + " FROM notification_rules WHERE org_id = :org AND id = :id")
                    .bind("org", message.orgId())
                    .bind("id", message.ruleId())
                    .map((rs, ctx) -> new Target(Kind.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)))
                    .findOne());
            WebhookClient.Outcome outcome = rule.isEmpty()
                    ? new WebhookClient.Outcome.Refused("the rule was deleted")
                    : send(
                            rule.get().kind(),
                            URI.create(secrets.open(rule.get().sealed())),
                            rule.get().secret() == null
                                    ? null
                                    : secrets.open(rule.get().secret()),
                            message.id(),
                            message.payload());
            String error = switch (outcome) {
                case WebhookClient.Outcome.Delivered _ -> null;
                case WebhookClient.Outcome.Refused refused -> refused.reason();
                case WebhookClient.Outcome.Failed failure -> failure.reason();
            };
            int attempts = message.attempts() + 1;
            if (error == null) {
                mark(message.id(), "delivered_at = :now, attempts = :attempts, last_error = NULL", attempts, null);
                delivered++;
            } else if (attempts >= maxAttempts || outcome instanceof WebhookClient.Outcome.Refused) {
                // a refused target is refused again on every try: it fails now, with the reason, not after retries
                mark(message.id(), "failed_at = :now, attempts = :attempts, last_error = :error", attempts, error);
                failed++;
            } else {
                long delay = backoff.toMillis() * (1L << Math.min(attempts - 1, 16));
                jdbi.useHandle(handle -> handle.createUpdate("UPDATE notification_outbox SET attempts = :attempts,"
                                + " next_attempt_at = :next, last_error = :error WHERE id = :id")
                        .bind("attempts", attempts)
                        .bind("next", clock.millis() + delay)
                        .bind("error", truncate(error))
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
                .bind("error", error == null ? null : truncate(error))
                .bind("id", id)
                .execute());
    }

    private static String truncate(String error) {
        return error.length() > 1000 ? error.substring(0, 997) + "..." : error;
    }

    /** A change set in a line or a few: one change as before, several by resource with the worst first. */
    static String slackText(tools.jackson.databind.JsonNode message) {
        tools.jackson.databind.JsonNode changes = message.path("changes");
        String part = message.path("parts").asInt(1) > 1
                ? " (part " + message.path("part").asInt() + " of "
                        + message.path("parts").asInt() + ")"
                : "";
        if (changes.size() == 1) {
            tools.jackson.databind.JsonNode change = changes.get(0);
            return (change.path("event").asString().equals("finding.reopened") ? "Reopened: " : "")
                    + "*" + change.path("severity").asString().toUpperCase(Locale.ROOT) + "* "
                    + change.path("rule").asString() + " on "
                    + change.path("resourceName").asString() + ": "
                    + change.path("title").asString() + part;
        }
        StringBuilder text = new StringBuilder("*" + changes.size() + " findings raised or reopened*" + part);
        int shown = 0;
        for (tools.jackson.databind.JsonNode change : changes) {
            if (shown++ == 20) {
                text.append("\n… and ").append(changes.size() - 20).append(" more");
                break;
            }
            text.append("\n*")
                    .append(change.path("severity").asString().toUpperCase(Locale.ROOT))
                    .append("* ")
                    .append(change.path("rule").asString())
                    .append(" on ")
                    .append(change.path("resourceName").asString())
                    .append(
                            change.path("package").isNull()
                                    ? ""
                                    : " (" + change.path("package").asString("") + ")");
        }
        return text.toString();
    }

    /** Posts one message, signed when the rule has a secret. */
    private WebhookClient.Outcome send(
            Kind kind, URI target, @Nullable String secret, String deliveryId, String payload) {
        String body = payload;
        if (kind == Kind.SLACK) {
            ObjectNode slack = JSON.createObjectNode();
            slack.put("text", slackText(JSON.readTree(payload)));
            body = slack.toString();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "vigil-notifications");
        headers.put("X-Vigil-Delivery", deliveryId);
        if (secret != null) {
            headers.put(WebhookSignature.HEADER, WebhookSignature.header(secret, clock.millis() / 1000, bytes));
        }
        return http.post(target, headers, bytes);
    }
}
