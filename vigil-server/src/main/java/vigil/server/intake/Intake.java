package vigil.server.intake;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import vigil.model.Inventory;
import vigil.model.batch.Source;
import vigil.server.auth.Principal;
import vigil.server.store.StoreErrors;
import vigil.server.wing.SectionHandler;
import vigil.spi.intake.BatchSink;
import vigil.spi.intake.IntakeException;
import vigil.spi.intake.IntakeQueue;
import vigil.spi.store.StoreError;

/**
 * Accepts agent batches: a gzip-compressed JSON document with a batch id, the agent's identity, facts and
 * capability answers, and zero or more inventories (CycloneDX). A batch is stored exactly once per organization:
 * a replay of a batch id answers "duplicate" and changes nothing. Everything of a batch lands in one transaction.
 * A batch is read as a stream within the limits of ADR 0015 ({@link BatchReader}), at most {@link #MAX_PARSING} at
 * once, and may only write the agent and images its API key is bound to ({@link Bindings}).
 */
public final class Intake {
    /** Decompressed size limit of one batch. */
    public static final long MAX_DECOMPRESSED = BatchReader.MAX_DECOMPRESSED;

    /** Batches decompressed and read at the same time; more wait up to {@link #PARSING_WAIT_MS}, then get 503. */
    public static final int MAX_PARSING = 4;

    static final long PARSING_WAIT_MS = 2_000;

    /**
     * Bytes of request bodies being received at once, each charged its Content-Length (the whole limit when it has
     * none): bodies are held in memory before they are read, so their number is bounded too, not only the reading.
     */
    public static final long MAX_RECEIVING_BYTES = MAX_PARSING * MAX_DECOMPRESSED;

    /**
     * Decompressed bytes of the batches read and not yet answered (matched, stored or queued): a body of a few KiB
     * may inflate to 100,000 packages, so what is held after reading is charged by its decompressed size.
     */
    public static final long MAX_HELD_BYTES = MAX_PARSING * MAX_DECOMPRESSED;

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{8,64}$");

    private final Jdbi jdbi;
    /** The wings' handlers of batch sections, by section name: a section no wing stores is refused. */
    private final java.util.Map<String, SectionHandler> sections;

    private final Clock clock;
    private final @Nullable IntakeQueue queue;
    private final Bindings bindings;
    private final Semaphore parsing = new Semaphore(MAX_PARSING);
    private final Semaphore receiving = new Semaphore((int) (MAX_RECEIVING_BYTES >> 10)); // KiB
    private final Semaphore held = new Semaphore((int) (MAX_HELD_BYTES >> 10)); // KiB
    private final AtomicInteger parsingNow = new AtomicInteger();
    private final AtomicInteger parsingPeak = new AtomicInteger();

    /** Stores each batch while its request waits. */
    public Intake(Jdbi jdbi, java.util.Map<String, SectionHandler> sections, Clock clock) {
        this(jdbi, sections, clock, null);
    }

    /**
     * With a queue, a checked batch is answered once the queue holds it; the queue's workers store it later through
     * {@link #store}. Without one, it is stored while the request waits.
     */
    public Intake(Jdbi jdbi, java.util.Map<String, SectionHandler> sections, Clock clock, @Nullable IntakeQueue queue) {
        this.jdbi = jdbi;
        this.sections = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(sections));
        this.clock = clock;
        this.queue = queue;
        this.bindings = new Bindings(jdbi);
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

    /**
     * The agent's spool as it reports it ({@code agent.spool}), counts since the agent started.
     *
     * @param dropped batches the spool discarded (full or too old): data the server never got
     */
    public record Spool(long pending, long pendingBytes, long dropped, long droppedBytes) {}

    /**
     * A batch that passed every check, before anything is stored.
     *
     * @param source what sent it; a version 1 batch's source is its agent
     * @param agentId the agent's id; for a source other than an agent, the source's id (its resources are named
     *     after it), and {@code hostname}, {@code version} and {@code deployment} are empty: there is no agent
     * @param spool null when the agent does not report it (older agents)
     * @param droppedSections what the source's spool dropped of sections it keeps in order, per section type, as it
     *     reported it ({@code agent.spool.droppedSections}); empty when it reported none
     * @param sections the sections other than inventories, in the batch's order, each for the wing that claims its type
     */
    public record ParsedBatch(
            String batchId,
            Source source,
            String agentId,
            String hostname,
            String version,
            String deployment,
            JsonNode agent,
            List<Inventory> inventories,
            @Nullable Spool spool,
            java.util.SortedMap<String, Long> droppedSections,
            List<Section> sections) {
        public ParsedBatch {
            inventories = List.copyOf(inventories);
            sections = List.copyOf(sections);
            droppedSections = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(droppedSections));
        }

        public boolean fromAnAgent() {
            return source.kind() == Source.Kind.AGENT;
        }

        /** The batch's sections of one type ({@code signals}), in order. */
        public List<Section> sections(String type) {
            return sections.stream()
                    .filter(section -> section.type().equals(type))
                    .toList();
        }
    }

    /**
     * A section of a batch other than an inventory, as read: its position among the batch's sections, its type and its
     * whole object (type included) as a tree, bounded by the reader's limits (ADR 0046). The wing that claims the type
     * reads and checks it; the core never looks inside.
     */
    public record Section(int index, String type, JsonNode body) {}

    /** A batch naming an agent or image bound to another API key; the message says what to do. */
    public static final class BindingRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindingRefused(String message) {
            super(message);
        }
    }

    public Result accept(Principal principal, byte[] body, boolean gzip) throws IntakeException {
        Read read = read(body, gzip, true);
        try {
            return accept(principal, body, gzip, read.batch());
        } finally {
            held.release(read.heldKib());
        }
    }

    private Result accept(Principal principal, byte[] body, boolean gzip, ParsedBatch parsed) throws IntakeException {
        String keyId = principal.apiKeyId();
        if (keyId == null) {
            throw new IntakeException(403, "batches are sent with an intake API key, not a user's session");
        }
        Optional<String> unhandled = unhandled(parsed);
        if (unhandled.isPresent()) {
            throw new IntakeException(422, unhandled.get());
        }
        check(parsed);
        // Refused before anything is matched or queued. With a queue the binding is claimed now, so that of two keys
        // registering one new agent the loser hears it now, not from a worker; without one, reading it is enough
        // (the claim in the store's transaction decides) and costs no write transaction.
        List<String> subjects = Bindings.subjects(parsed.source(), parsed.inventories());
        Optional<Bindings.Refused> refused = queue != null
                ? bindings.claim(principal.orgId(), keyId, subjects, clock.millis())
                : bindings.check(principal.orgId(), keyId, subjects);
        if (refused.isPresent()) {
            throw new IntakeException(403, refused.get().message());
        }
        if (queue != null) {
            queue.submit(principal.orgId(), keyId, parsed.batchId(), parsed.source(), body, gzip);
            return Result.queued(parsed);
        }
        try {
            return store(principal.orgId(), keyId, parsed);
        } catch (BindingRefused e) {
            throw new IntakeException(403, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Takes a body's share of {@link #MAX_RECEIVING_BYTES} before the body is received (held until the batch is
     * answered, since its bytes are kept until then); 503 when the share does not free up in time.
     *
     * @param declaredLength the request's Content-Length, negative when it has none (charged the whole limit)
     * @return the KiB to give back with {@link #received}
     */
    public int receive(long declaredLength) throws IntakeException {
        long bytes = declaredLength < 0 ? MAX_DECOMPRESSED : Math.min(declaredLength, MAX_DECOMPRESSED);
        int kib = (int) Math.max(1, (bytes + 1023) >> 10);
        acquire(receiving, kib, "is receiving " + (MAX_RECEIVING_BYTES >> 20) + " MiB of batches");
        return kib;
    }

    /** Gives back what {@link #receive} took. */
    public void received(int kib) {
        receiving.release(kib);
    }

    /** Reads a batch while holding one of {@link #MAX_PARSING} permits; 503 when none frees up in time. */
    ParsedBatch read(byte[] body, boolean gzip) throws IntakeException {
        return read(body, gzip, false).batch();
    }

    /** A batch read, and the KiB of {@link #MAX_HELD_BYTES} it holds until it is answered. */
    private record Read(ParsedBatch batch, int heldKib) {}

    /** With {@code hold}, charges the batch's decompressed size before the reading permit is given back. */
    private Read read(byte[] body, boolean gzip, boolean hold) throws IntakeException {
        acquire(parsing, 1, "is reading " + MAX_PARSING + " batches");
        try {
            parsingPeak.accumulateAndGet(parsingNow.incrementAndGet(), Math::max);
            BatchReader.Parts parts = BatchReader.read(body, gzip);
            ParsedBatch batch = checked(parts);
            // charged while the reading permit is held, so at most MAX_PARSING read batches wait for their share
            return new Read(batch, hold ? hold(parts.decompressedBytes()) : 0);
        } finally {
            parsingNow.decrementAndGet();
            parsing.release();
        }
    }

    private int hold(long decompressedBytes) throws IntakeException {
        int kib = (int) Math.max(1, (decompressedBytes + 1023) >> 10);
        acquire(held, kib, "holds " + (MAX_HELD_BYTES >> 20) + " MiB of decompressed batches");
        return kib;
    }

    /**
     * Takes {@code permits} of a budget, waiting at most {@link #PARSING_WAIT_MS}; else a retryable 503 saying the
     * server {@code isAtLimit} already (the agent keeps the batch spooled).
     */
    private static void acquire(Semaphore budget, int permits, String isAtLimit) throws IntakeException {
        boolean acquired;
        try {
            acquired = budget.tryAcquire(permits, PARSING_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeException(503, "the server is stopping; the agent keeps the batch and retries later");
        }
        if (!acquired) {
            throw new IntakeException(
                    503,
                    "the server " + isAtLimit + " already, its limit; the agent keeps the batch and retries later");
        }
    }

    /** The permits of {@link #read}, for tests that take them all. */
    Semaphore parsingPermits() {
        return parsing;
    }

    /** The most batches read at the same time so far (at most {@link #MAX_PARSING}). */
    int parsingPeak() {
        return parsingPeak.get();
    }

    /**
     * What a queue's workers store through: reads the queued body as the route did, then {@link #store}s it. Every
     * failure is an answer, with the store's error code when the store raised it.
     */
    public BatchSink.Delivery storeQueued(String orgId, @Nullable String keyId, byte[] body, boolean gzip) {
        ParsedBatch batch;
        try {
            batch = parseBatch(body, gzip);
        } catch (IntakeException e) {
            return new BatchSink.NotABatch(String.valueOf(e.getMessage()));
        }
        Optional<String> unhandled = unhandled(batch);
        if (unhandled.isPresent()) {
            return new BatchSink.NotABatch(unhandled.get());
        }
        try {
            check(batch);
        } catch (IntakeException e) {
            return new BatchSink.NotABatch(String.valueOf(e.getMessage()));
        }
        try {
            Result result = store(orgId, keyId, batch);
            return new BatchSink.Stored(result.batchId(), result.duplicate());
        } catch (RuntimeException e) {
            return new BatchSink.Failed(StoreErrors.classify(e).orElse(null), e);
        }
    }

    /**
     * Stores a checked batch for an organization in one transaction, exactly once per batch id: a batch stored
     * before answers {@link Outcome#DUPLICATE} and changes nothing. Safe to call again after a crash at any point.
     *
     * @param keyId the API key that sent it, which must hold (or now takes) the batch's agent and images; null only
     *     for queued records written by a server older than the bindings
     * @throws BindingRefused when another key holds the batch's agent or one of its images
     */
    public Result store(String orgId, @Nullable String keyId, ParsedBatch parsed) {
        // a replay is answered without matching; the check in the transaction is the one that decides
        if (jdbi.withHandle(handle -> stored(handle, orgId, parsed.batchId()))) {
            return new Result(parsed.batchId(), Outcome.DUPLICATE, 0, 0);
        }
        unhandled(parsed).ifPresent(message -> {
            throw new IllegalArgumentException(message);
        });
        // prepared (matched, evaluated) before the transaction: SQLite's single writer waits only for the storing
        List<SectionHandler.Prepared> prepared = new ArrayList<>();
        for (SectionHandler handler : sections.values()) {
            if (handler.present(parsed)) {
                prepared.add(handler.prepare(parsed));
            }
        }
        // PostgreSQL may end one of two concurrent batches as a deadlock (their scans add the same new search terms
        // and counts in different orders); that batch's transaction rolled back whole, so it is simply run again
        for (int attempt = 1; ; attempt++) {
            try {
                return storeOnce(orgId, keyId, parsed, prepared);
            } catch (org.jdbi.v3.core.JdbiException e) {
                if (attempt >= 3 || !concurrencyFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean concurrencyFailure(Throwable e) {
        return StoreErrors.classify(e).orElse(null) == StoreError.CONFLICT;
    }

    private Result storeOnce(
            String orgId, @Nullable String keyId, ParsedBatch parsed, List<SectionHandler.Prepared> prepared) {
        String batchId = parsed.batchId();
        long now = clock.millis();
        try {
            return jdbi.inTransaction(handle -> {
                if (stored(handle, orgId, batchId)) {
                    return new Result(batchId, Outcome.DUPLICATE, 0, 0);
                }
                if (keyId != null) {
                    // in the batch's transaction: the check that decides, also for batches a queue's worker stores
                    Optional<Bindings.Refused> refused = Bindings.claim(
                            handle, orgId, keyId, Bindings.subjects(parsed.source(), parsed.inventories()), now);
                    if (refused.isPresent()) {
                        throw new BindingRefused(refused.get().message());
                    }
                }
                handle.createUpdate("INSERT INTO batches (org_id, batch_id, source_kind, source_id, agent_id,"
                                + " received_at, dropped_sections) VALUES (:org, :batch, :kind, :source, :agent, :now,"
                                + " :dropped)")
                        .bind("org", orgId)
                        .bind("batch", batchId)
                        .bind("kind", parsed.source().kind().wire())
                        .bind("source", parsed.source().id())
                        .bind("agent", parsed.fromAnAgent() ? parsed.agentId() : null)
                        .bind("now", now)
                        .bind("dropped", droppedJson(parsed.droppedSections()))
                        .execute();
                if (parsed.fromAnAgent()) {
                    upsertAgent(handle, orgId, parsed, now);
                }
                int findings = 0;
                for (SectionHandler.Prepared section : prepared) {
                    findings += section.store(handle, orgId);
                }
                return new Result(batchId, Outcome.STORED, parsed.inventories().size(), findings);
            });
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            // Two deliveries of one batch raced and the batches primary key let exactly one in. Another unique key
            // (two agents inserting one image's inventory at once) rolled back a batch that is not stored: rethrown,
            // so the agent or the queue's worker tries it again.
            if (StoreErrors.duplicateKey(e) && jdbi.withHandle(handle -> stored(handle, orgId, batchId))) {
                return new Result(batchId, Outcome.DUPLICATE, 0, 0);
            }
            throw e;
        }
    }

    /**
     * Why the batch cannot be stored here: it carries a section no wing of this server stores (a server built without
     * the vulnerability wing, sent inventories). Empty when every section it carries has its wing.
     */
    private Optional<String> unhandled(ParsedBatch batch) {
        if (!batch.inventories().isEmpty() && !sections.containsKey(INVENTORIES)) {
            return Optional.of("batch " + batch.batchId() + " carries inventories, but this server has no capability"
                    + " that stores them (it was built without the vulnerability wing); send it to a server that has"
                    + " one");
        }
        for (Section section : batch.sections()) {
            if (!sections.containsKey(section.type())) {
                return Optional.of("the batch has a '" + section.type() + "' section (section " + section.index()
                        + "), which this server does not take yet: no capability of this server stores '"
                        + section.type() + "' sections; send them to a server that has the capability, or leave"
                        + " them out");
            }
        }
        return Optional.empty();
    }

    /**
     * Each wing checks the sections it claims (a signal without its rule, a value out of range): 400 naming the
     * section and what is wrong, before anything is queued or stored.
     */
    private void check(ParsedBatch batch) throws IntakeException {
        for (SectionHandler handler : sections.values()) {
            if (handler.present(batch)) {
                handler.check(batch);
            }
        }
    }

    /** The section name of inventories in the batch envelope. */
    public static final String INVENTORIES = "inventories";

    /**
     * Decompresses, reads and checks a batch within the limits of ADR 0015; every problem is an {@link IntakeException}
     * with 400 or 413 naming what is wrong and what to do. Untrusted input: fuzzed by IntakeFuzzTest.
     */
    public static ParsedBatch parseBatch(byte[] body, boolean gzip) throws IntakeException {
        return checked(BatchReader.read(body, gzip));
    }

    private static ParsedBatch checked(BatchReader.Parts batch) throws IntakeException {
        String batchId = id(batch.batchId(), "batchId");
        JsonNode agent = batch.agent();
        Source source = source(batch.source(), agent);
        for (Inventory inventory : batch.inventories()) {
            // resources are keyed by the target's name and digest (at most 512 characters in the store)
            String target = inventory.target().name()
                    + String.valueOf(inventory.target().digest());
            if (target.length() > 400) {
                throw new IntakeException(
                        400,
                        "an inventory of batch " + batchId + " names a target (metadata.component name and digest)"
                                + " of more than 400 characters; name the image or host shorter");
            }
        }
        if (source.kind() != Source.Kind.AGENT) {
            // no agent: nothing of one is read or stored, whatever the batch says
            return new ParsedBatch(
                    batchId,
                    source,
                    source.id(),
                    "",
                    "",
                    "",
                    JsonNodeFactory.instance.objectNode(),
                    batch.inventories(),
                    null,
                    new java.util.TreeMap<>(),
                    batch.sections());
        }
        String agentId = source.id();
        String hostname = text(agent, "hostname", 255);
        String version = text(agent, "version", 64);
        String deployment = text(agent, "deployment", 32);
        return new ParsedBatch(
                batchId,
                source,
                agentId,
                hostname,
                version,
                deployment,
                agent,
                batch.inventories(),
                spool(agent),
                droppedSections(agent),
                batch.sections());
    }

    /**
     * A version 2 batch's {@code source: {kind, id}}; a version 1 batch has none and its agent is its source. An agent
     * source's batch carries the agent, whose id is the source's.
     */
    private static Source source(JsonNode source, JsonNode agent) throws IntakeException {
        if (source.isMissingNode() || source.isNull()) {
            return Source.agent(id(agent.path("id"), "agent.id"));
        }
        JsonNode kindNode = source.path("kind");
        Source.Kind kind = kindNode.isString() ? Source.Kind.fromWire(kindNode.asString()) : null;
        if (kind == null) {
            throw new IntakeException(400, "source.kind must be \"agent\", \"scan\" or \"collector\"");
        }
        String id = id(source.path("id"), "source.id");
        if (kind == Source.Kind.AGENT && !id.equals(id(agent.path("id"), "agent.id"))) {
            throw new IntakeException(
                    400, "source.id (" + id + ") and agent.id differ; an agent's batch names the agent as its source");
        }
        return new Source(kind, id);
    }

    /** {@code agent.spool.droppedSections}: non-negative whole numbers per known section type. */
    private static java.util.SortedMap<String, Long> droppedSections(JsonNode agent) throws IntakeException {
        JsonNode dropped = agent.path("spool").path("droppedSections");
        java.util.SortedMap<String, Long> counts = new java.util.TreeMap<>();
        if (dropped.isMissingNode() || dropped.isNull()) {
            return counts;
        }
        IntakeException shape = new IntakeException(
                400,
                "agent.spool.droppedSections must be an object of section types (" + BatchReader.SECTION_TYPES
                        + ") to non-negative whole numbers, such as {\"signals\": 3}; leave it out when nothing was"
                        + " dropped");
        if (!dropped.isObject()) {
            throw shape;
        }
        for (var entry : dropped.properties()) {
            JsonNode value = entry.getValue();
            if (!BatchReader.SECTION_TYPES.contains(entry.getKey())
                    || !value.isIntegralNumber()
                    || !value.canConvertToLong()
                    || value.asLong() < 0) {
                throw shape;
            }
            counts.put(entry.getKey(), value.asLong());
        }
        return counts;
    }

    private static @Nullable String droppedJson(java.util.SortedMap<String, Long> dropped) {
        if (dropped.isEmpty()) {
            return null;
        }
        var json = JsonNodeFactory.instance.objectNode();
        dropped.forEach(json::put);
        return json.toString();
    }

    /** {@code agent.spool}, when the agent reports it: four non-negative whole numbers. */
    private static @Nullable Spool spool(JsonNode agent) throws IntakeException {
        JsonNode spool = agent.path("spool");
        if (spool.isMissingNode() || spool.isNull()) {
            return null;
        }
        if (!spool.isObject()) {
            throw spoolShape();
        }
        long[] values = new long[4];
        String[] names = {"pending", "pendingBytes", "dropped", "droppedBytes"};
        for (int i = 0; i < names.length; i++) {
            JsonNode value = spool.path(names[i]);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
                throw spoolShape();
            }
            values[i] = value.asLong();
        }
        return new Spool(values[0], values[1], values[2], values[3]);
    }

    private static IntakeException spoolShape() {
        return new IntakeException(
                400,
                "agent.spool must be an object of four non-negative whole numbers: {\"pending\": 0, \"pendingBytes\":"
                        + " 0, \"dropped\": 0, \"droppedBytes\": 0}; leave it out if the agent does not count them");
    }

    private static boolean stored(Handle handle, String orgId, String batchId) {
        return handle.createQuery("SELECT COUNT(*) FROM batches WHERE org_id = :org AND batch_id = :batch")
                        .bind("org", orgId)
                        .bind("batch", batchId)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    private static void upsertAgent(Handle handle, String orgId, ParsedBatch batch, long now) {
        String agentId = batch.agentId();
        String hostname = batch.hostname();
        String version = batch.version();
        String deployment = batch.deployment();
        JsonNode agent = batch.agent();
        String facts = agent.path("facts").toString();
        String capabilities = agent.path("capabilities").toString();
        Spool spool = batch.spool();
        // a batch without the spool (an older agent) leaves what was reported before
        String spoolColumns = spool == null
                ? ""
                : ", spool_pending = :pending, spool_pending_bytes = :pendingBytes, spool_dropped = :dropped,"
                        + " spool_dropped_bytes = :droppedBytes";
        var update = handle.createUpdate("UPDATE agents SET hostname = :hostname, version = :version, deployment ="
                        + " :deployment, facts = :facts, capabilities = :capabilities, last_seen = :now" + spoolColumns
                        + " WHERE org_id = :org AND id = :id")
                .bind("hostname", hostname)
                .bind("version", version)
                .bind("deployment", deployment)
                .bind("facts", facts)
                .bind("capabilities", capabilities)
                .bind("now", now)
                .bind("org", orgId)
                .bind("id", agentId);
        bindSpool(update, spool);
        int updated = update.execute();
        if (updated == 0) {
            var insert = handle.createUpdate("INSERT INTO agents (id, org_id, hostname, version, deployment, facts,"
                            + " capabilities, first_seen, last_seen"
                            + (spool == null
                                    ? ""
                                    : ", spool_pending, spool_pending_bytes, spool_dropped, spool_dropped_bytes")
                            + ") VALUES (:id, :org, :hostname, :version, :deployment, :facts, :capabilities, :now, :now"
                            + (spool == null ? "" : ", :pending, :pendingBytes, :dropped, :droppedBytes") + ")")
                    .bind("id", agentId)
                    .bind("org", orgId)
                    .bind("hostname", hostname)
                    .bind("version", version)
                    .bind("deployment", deployment)
                    .bind("facts", facts)
                    .bind("capabilities", capabilities)
                    .bind("now", now);
            bindSpool(insert, spool);
            insert.execute();
        }
    }

    private static void bindSpool(org.jdbi.v3.core.statement.Update update, @Nullable Spool spool) {
        if (spool != null) {
            update.bind("pending", spool.pending())
                    .bind("pendingBytes", spool.pendingBytes())
                    .bind("dropped", spool.dropped())
                    .bind("droppedBytes", spool.droppedBytes());
        }
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
