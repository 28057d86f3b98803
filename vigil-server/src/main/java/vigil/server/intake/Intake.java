package vigil.server.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.inventory.InventoryException;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.server.auth.Principal;
import vigil.server.findings.Matching;

/**
 * Accepts agent batches: a gzip-compressed JSON document with a batch id, the agent's identity, facts and
 * capability answers, and zero or more inventories (CycloneDX). A batch is stored exactly once per organization:
 * a replay of a batch id answers "duplicate" and changes nothing. Everything of a batch lands in one transaction.
 */
public final class Intake {
    /** Decompressed size limit of one batch. */
    public static final long MAX_DECOMPRESSED = 256L << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{8,64}$");

    private final Jdbi jdbi;
    private final Matching matching;
    private final Clock clock;
    private final @Nullable IntakeQueue queue;

    /** Stores each batch while its request waits. */
    public Intake(Jdbi jdbi, Matching matching, Clock clock) {
        this(jdbi, matching, clock, null);
    }

    /**
     * With a queue, a checked batch is answered once the queue holds it; the queue's workers store it later through
     * {@link #store}. Without one, it is stored while the request waits.
     */
    public Intake(Jdbi jdbi, Matching matching, Clock clock, @Nullable IntakeQueue queue) {
        this.jdbi = jdbi;
        this.matching = matching;
        this.clock = clock;
        this.queue = queue;
    }

    /** What became of a batch: stored now, a replay of one stored before, or queued for the workers. */
    public enum Outcome {
        STORED,
        DUPLICATE,
        QUEUED
    }

    /**
     * @param findings the findings matched when stored; 0 when a duplicate or queued
     */
    public record Result(String batchId, Outcome outcome, int inventories, int findings) {
        public boolean duplicate() {
            return outcome == Outcome.DUPLICATE;
        }

        public static Result queued(ParsedBatch batch) {
            return new Result(
                    batch.batchId(), Outcome.QUEUED, batch.inventories().size(), 0);
        }
    }

    /** A batch that passed every check, before anything is stored. */
    public record ParsedBatch(
            String batchId,
            String agentId,
            String hostname,
            String version,
            String deployment,
            JsonNode agent,
            List<Inventory> inventories) {
        public ParsedBatch {
            inventories = List.copyOf(inventories);
        }
    }

    public Result accept(Principal principal, byte[] body, boolean gzip) throws IntakeException {
        ParsedBatch parsed = parseBatch(body, gzip);
        if (queue != null) {
            return queue.submit(principal.orgId(), parsed, body, gzip);
        }
        return store(principal.orgId(), parsed);
    }

    /**
     * Stores a checked batch for an organization in one transaction, exactly once per batch id: a batch stored
     * before answers {@link Outcome#DUPLICATE} and changes nothing. Safe to call again after a crash at any point.
     */
    public Result store(String orgId, ParsedBatch parsed) {
        // a replay is answered without matching; the check in the transaction is the one that decides
        if (jdbi.withHandle(handle -> stored(handle, orgId, parsed.batchId()))) {
            return new Result(parsed.batchId(), Outcome.DUPLICATE, 0, 0);
        }
        // matched before the transaction: SQLite's single writer waits only for the storing
        List<Matching.Matched> matched = new ArrayList<>();
        for (Inventory inventory : parsed.inventories()) {
            matched.add(matching.match(parsed.agentId(), parsed.hostname(), inventory));
        }
        // PostgreSQL may end one of two concurrent batches as a deadlock (their scans add the same new search terms
        // and counts in different orders); that batch's transaction rolled back whole, so it is simply run again
        for (int attempt = 1; ; attempt++) {
            try {
                return storeOnce(orgId, parsed, matched);
            } catch (org.jdbi.v3.core.JdbiException e) {
                if (attempt >= 3 || !concurrencyFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean concurrencyFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql
                    && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private Result storeOnce(String orgId, ParsedBatch parsed, List<Matching.Matched> matched) {
        String batchId = parsed.batchId();
        long now = clock.millis();
        try {
            return jdbi.inTransaction(handle -> {
                if (stored(handle, orgId, batchId)) {
                    return new Result(batchId, Outcome.DUPLICATE, 0, 0);
                }
                handle.createUpdate("INSERT INTO batches (org_id, batch_id, agent_id, received_at)"
                                + " VALUES (:org, :batch, :agent, :now)")
                        .bind("org", orgId)
                        .bind("batch", batchId)
                        .bind("agent", parsed.agentId())
                        .bind("now", now)
                        .execute();
                upsertAgent(handle, orgId, parsed, now);
                int findings = 0;
                for (Matching.Matched inventory : matched) {
                    findings += matching.store(handle, orgId, parsed.agentId(), inventory);
                }
                return new Result(batchId, Outcome.STORED, parsed.inventories().size(), findings);
            });
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // Two deliveries of one batch raced and the batches primary key let exactly one in. Another unique key
            // (two agents inserting one image's inventory at once) rolled back a batch that is not stored: rethrown,
            // so the agent or the queue's worker tries it again.
            if (isDuplicateKey(e) && jdbi.withHandle(handle -> stored(handle, orgId, batchId))) {
                return new Result(batchId, Outcome.DUPLICATE, 0, 0);
            }
            throw e;
        }
    }

    /**
     * Decompresses, parses and checks a batch; every problem is an {@link IntakeException} with 400 or 413 naming
     * what is wrong. Untrusted input: fuzzed by IntakeFuzzTest.
     */
    public static ParsedBatch parseBatch(byte[] body, boolean gzip) throws IntakeException {
        JsonNode batch = parse(body, gzip);
        String batchId = id(batch.path("batchId"), "batchId");
        JsonNode agent = batch.path("agent");
        String agentId = id(agent.path("id"), "agent.id");
        String hostname = text(agent, "hostname", 255);
        String version = text(agent, "version", 64);
        String deployment = text(agent, "deployment", 32);
        List<Inventory> inventories = new ArrayList<>();
        int index = 0;
        for (JsonNode sbom : batch.path("inventories")) {
            try {
                inventories.add(CycloneDx.read(
                        new ByteArrayInputStream(JSON.writeValueAsBytes(sbom)),
                        "inventory " + index + " of batch " + batchId,
                        true));
            } catch (IOException | InventoryException e) {
                throw new IntakeException(400, String.valueOf(e.getMessage()));
            }
            index++;
        }
        return new ParsedBatch(batchId, agentId, hostname, version, deployment, agent, inventories);
    }

    private static boolean stored(Handle handle, String orgId, String batchId) {
        return handle.createQuery("SELECT COUNT(*) FROM batches WHERE org_id = :org AND batch_id = :batch")
                        .bind("org", orgId)
                        .bind("batch", batchId)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    private static boolean isDuplicateKey(Exception e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("UNIQUE constraint failed") || message.contains("duplicate key");
    }

    private static void upsertAgent(Handle handle, String orgId, ParsedBatch batch, long now) {
        String agentId = batch.agentId();
        String hostname = batch.hostname();
        String version = batch.version();
        String deployment = batch.deployment();
        JsonNode agent = batch.agent();
        String facts = agent.path("facts").toString();
        String capabilities = agent.path("capabilities").toString();
        int updated = handle.createUpdate("UPDATE agents SET hostname = :hostname, version = :version, deployment ="
                        + " :deployment, facts = :facts, capabilities = :capabilities, last_seen = :now"
                        + " WHERE org_id = :org AND id = :id")
                .bind("hostname", hostname)
                .bind("version", version)
                .bind("deployment", deployment)
                .bind("facts", facts)
                .bind("capabilities", capabilities)
                .bind("now", now)
                .bind("org", orgId)
                .bind("id", agentId)
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO agents (id, org_id, hostname, version, deployment, facts, capabilities,"
                            + " first_seen, last_seen) VALUES (:id, :org, :hostname, :version, :deployment, :facts,"
                            + " :capabilities, :now, :now)")
                    .bind("id", agentId)
                    .bind("org", orgId)
                    .bind("hostname", hostname)
                    .bind("version", version)
                    .bind("deployment", deployment)
                    .bind("facts", facts)
                    .bind("capabilities", capabilities)
                    .bind("now", now)
                    .execute();
        }
    }

    private static JsonNode parse(byte[] body, boolean gzip) throws IntakeException {
        try (InputStream in =
                limited(gzip ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body))) {
            JsonNode node = JSON.readTree(in);
            if (node == null || !node.isObject()) {
                throw new IntakeException(400, "a batch is a JSON object");
            }
            return node;
        } catch (TooLarge e) {
            throw new IntakeException(413, tooLarge());
        } catch (JacksonException e) {
            if (e.getCause() instanceof TooLarge) {
                // Jackson wraps the stream's exception: the limit was hit while parsing
                throw new IntakeException(413, tooLarge());
            }
            throw new IntakeException(400, "the batch is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IntakeException(400, "the batch cannot be decompressed: " + e.getMessage());
        }
    }

    private static String tooLarge() {
        return "the batch is larger than " + (MAX_DECOMPRESSED >> 20)
                + " MiB once decompressed; send fewer inventories per batch";
    }

    private static InputStream limited(InputStream in) {
        return new java.io.FilterInputStream(in) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && ++read > MAX_DECOMPRESSED) {
                    throw new TooLarge();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0 && (read += n) > MAX_DECOMPRESSED) {
                    throw new TooLarge();
                }
                return n;
            }
        };
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static String id(JsonNode node, String field) throws IntakeException {
        if (!node.isString() || !ID.matcher(node.asString()).matches()) {
            throw new IntakeException(400, field + " must be 8 to 64 letters, digits or . _ : -");
        }
        return node.asString();
    }

    private static String text(JsonNode parent, String field, int max) throws IntakeException {
        JsonNode node = parent.path(field);
        if (!node.isString() || node.asString().isBlank() || node.asString().length() > max) {
            throw new IntakeException(
                    400, "agent." + field + " must be a non-empty string of at most " + max + " characters");
        }
        return node.asString();
    }
}
