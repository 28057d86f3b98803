package vigil.agent.run;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import vigil.agent.collect.SpoolPolicy;

/**
 * The agent's outbox: one file per batch, named by a sequence number so they are sent in the order they were made.
 * Files are written to a temporary name, synced and renamed, so a crash never leaves half a batch. The spool is
 * bounded, and what goes past {@code maxBytes} depends on each batch's {@link SpoolPolicy}: the oldest
 * {@link SpoolPolicy#SUPERSEDE} batches are dropped first (a later inventory of the same host supersedes them, and a
 * later heartbeat says the same as an older one); only when those are gone are {@link SpoolPolicy#KEEP} batches
 * dropped, newest first so that what is kept stays a gapless prefix, and counted per section type. Every drop is counted in {@value #STATE_FILE} beside the
 * spool (batches and bytes, since when), together with the last delivery and the last error, so {@code vigil agent
 * status} and the server hear of it even after a restart.
 */
public final class Spool {
    /** The state file, a sibling of the spool directory. */
    public static final String STATE_FILE = "spool-state.properties";

    /**
     * One spooled batch.
     *
     * @param section the section type of a {@link SpoolPolicy#KEEP} batch; null for a superseding one
     */
    public record Entry(
            Path file,
            String batchId,
            long size,
            SpoolPolicy policy,
            @Nullable String section) {
        public Entry(Path file, String batchId, long size) {
            this(file, batchId, size, SpoolPolicy.SUPERSEDE, null);
        }
    }

    /** A KEEP batch's file name ends {@code .keep.SECTION.json.gz}. */
    private static final java.util.regex.Pattern KEEP = java.util.regex.Pattern.compile("\\.keep\\.([a-z]+)$");

    /**
     * What the spool holds and has lost, as {@code vigil agent status} shows it and every batch carries it.
     *
     * @param maxBytes the bound; 0 when unknown (a spool never opened by an agent that records it)
     * @param droppedSince when counting began (the spool's first use with a state file)
     * @param droppedSections {@link SpoolPolicy#KEEP} batches dropped since then, per section type
     */
    public record Status(
            int pending,
            long pendingBytes,
            long maxBytes,
            long dropped,
            long droppedBytes,
            Instant droppedSince,
            @Nullable Instant lastSentAt,
            @Nullable Instant lastErrorAt,
            @Nullable String lastError,
            java.util.SortedMap<String, Long> droppedSections) {
        public Status {
            droppedSections = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(droppedSections));
        }

        public Status(
                int pending,
                long pendingBytes,
                long maxBytes,
                long dropped,
                long droppedBytes,
                Instant droppedSince,
                @Nullable Instant lastSentAt,
                @Nullable Instant lastErrorAt,
                @Nullable String lastError) {
            this(
                    pending,
                    pendingBytes,
                    maxBytes,
                    dropped,
                    droppedBytes,
                    droppedSince,
                    lastSentAt,
                    lastErrorAt,
                    lastError,
                    new java.util.TreeMap<>());
        }
    }

    /** The persistent part of the status. */
    private record State(
            long dropped,
            long droppedBytes,
            Instant droppedSince,
            @Nullable Instant lastSentAt,
            @Nullable Instant lastErrorAt,
            @Nullable String lastError,
            java.util.SortedMap<String, Long> droppedSections) {
        State(
                long dropped,
                long droppedBytes,
                Instant droppedSince,
                @Nullable Instant lastSentAt,
                @Nullable Instant lastErrorAt,
                @Nullable String lastError) {
            this(dropped, droppedBytes, droppedSince, lastSentAt, lastErrorAt, lastError, new java.util.TreeMap<>());
        }
    }

    private final Path directory;
    private final Path stateFile;
    private final long maxBytes;
    private final Clock clock;
    private final Consumer<String> warnings;
    private long sequence;
    private State state;

    public Spool(Path directory, long maxBytes) throws IOException {
        this(directory, maxBytes, Clock.systemUTC(), warning -> {});
    }

    /**
     * @param warnings told, in one sentence each, which batches a full spool dropped and why
     */
    public Spool(Path directory, long maxBytes, Clock clock, Consumer<String> warnings) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the spool bound must be positive, not " + maxBytes);
        }
        this.directory = Files.createDirectories(directory);
        this.stateFile = directory.resolveSibling(STATE_FILE);
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.warnings = warnings;
        for (Entry entry : entries()) {
            sequence = Math.max(sequence, sequenceOf(entry.file()));
        }
        try (Stream<Path> leftovers = Files.list(directory)) {
            for (Path file :
                    leftovers.filter(f -> f.toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(file); // a batch being written when the agent stopped
            }
        }
        State read = readState(stateFile);
        this.state = read != null ? read : new State(0, 0, clock.instant(), null, null, null);
        writeState(state); // also records this bound, for vigil agent status
    }

    /**
     * The status of a spool without opening it for writing (nothing is cleaned up or created): for {@code vigil
     * agent status}, which may run while the agent writes.
     */
    public static Status inspect(Path directory) throws IOException {
        List<Entry> entries = Files.isDirectory(directory) ? list(directory) : List.of();
        Path file = directory.resolveSibling(STATE_FILE);
        State state = readState(file);
        if (state == null) {
            state = new State(0, 0, Instant.EPOCH, null, null, null);
        }
        return status(entries, readMaxBytes(file), state);
    }

    /** Adds a compressed batch that a later one supersedes, dropping the oldest if the bound is passed. */
    public synchronized Entry add(String batchId, byte[] gzippedBatch) throws IOException {
        return add(batchId, gzippedBatch, SpoolPolicy.SUPERSEDE, null);
    }

    /**
     * Adds a compressed batch under its policy; a {@link SpoolPolicy#KEEP} batch names its section type, under which
     * its drop is counted. Returns its entry (whose file may be gone again when the bound dropped it).
     */
    public synchronized Entry add(String batchId, byte[] gzippedBatch, SpoolPolicy policy, @Nullable String section)
            throws IOException {
        if (policy == SpoolPolicy.KEEP && (section == null || !section.matches("[a-z]+"))) {
            throw new IllegalArgumentException(
                    "a KEEP batch names its section type in lower-case letters, not " + section);
        }
        sequence++;
        String name = String.format(
                "%016d-%s%s.json.gz", sequence, batchId, policy == SpoolPolicy.KEEP ? ".keep." + section : "");
        Path temporary = directory.resolve(name + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW)) {
            out.write(gzippedBatch);
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Path file = directory.resolve(name);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        enforceBound();
        return new Entry(file, batchId, gzippedBatch.length, policy, policy == SpoolPolicy.KEEP ? section : null);
    }

    /** The spooled batches, oldest first. */
    public synchronized List<Entry> entries() throws IOException {
        return list(directory);
    }

    public synchronized void remove(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
    }

    /** Moves a batch the server refused as malformed aside, so it is kept for inspection but not retried. */
    public synchronized void reject(Entry entry) throws IOException {
        reject(entry, null);
    }

    /** The same, keeping the server's reason beside the batch ({@code NAME.reason.txt}). */
    public synchronized void reject(Entry entry, @org.jspecify.annotations.Nullable String reason) throws IOException {
        Path rejected = Files.createDirectories(directory.resolveSibling("rejected"));
        Files.move(entry.file(), rejected.resolve(entry.file().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        if (reason != null) {
            Files.writeString(rejected.resolve(entry.file().getFileName() + ".reason.txt"), reason + "\n");
        }
    }

    /** Batches dropped since counting began, across restarts. */
    public synchronized long dropped() {
        return state.dropped();
    }

    public synchronized long droppedBytes() {
        return state.droppedBytes();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public synchronized long bytes() throws IOException {
        return entries().stream().mapToLong(Entry::size).sum();
    }

    public synchronized Status status() throws IOException {
        return status(entries(), maxBytes, state);
    }

    /** Remembers a round that reached the server and left nothing it could send. */
    public synchronized void recordDelivered() throws IOException {
        state = new State(
                state.dropped(),
                state.droppedBytes(),
                state.droppedSince(),
                clock.instant(),
                state.lastErrorAt(),
                state.lastError(),
                state.droppedSections());
        writeState(state);
    }

    /** Remembers why the last round stopped. */
    public synchronized void recordError(String problem) throws IOException {
        state = new State(
                state.dropped(),
                state.droppedBytes(),
                state.droppedSince(),
                state.lastSentAt(),
                clock.instant(),
                problem.length() <= 500 ? problem : problem.substring(0, 500) + "...",
                state.droppedSections());
        writeState(state);
    }

    private void enforceBound() throws IOException {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::size).sum();
        if (total <= maxBytes) {
            return;
        }
        long before = total;
        List<Entry> dropped = new ArrayList<>();
        // the newest batch always stays, even alone over the bound: it is the freshest word from this host
        for (int i = 0; total > maxBytes && i < entries.size() - 1; i++) {
            Entry entry = entries.get(i);
            if (entry.policy() != SpoolPolicy.SUPERSEDE) {
                continue;
            }
            Files.deleteIfExists(entry.file());
            total -= entry.size();
            dropped.add(entry);
        }
        // still over: KEEP batches, the newest first, so that those kept are the oldest ones, in order and gapless
        java.util.SortedMap<String, Long> sections = new java.util.TreeMap<>(state.droppedSections());
        List<Entry> droppedKept = new ArrayList<>();
        for (int i = entries.size() - 1; total > maxBytes && i >= 0; i--) {
            Entry entry = entries.get(i);
            if (entry.policy() != SpoolPolicy.KEEP) {
                continue;
            }
            Files.deleteIfExists(entry.file());
            total -= entry.size();
            droppedKept.add(entry);
            sections.merge(String.valueOf(entry.section()), 1L, Long::sum);
        }
        if (dropped.isEmpty() && droppedKept.isEmpty()) {
            return;
        }
        long bytes = dropped.stream().mapToLong(Entry::size).sum();
        long keptBytes = droppedKept.stream().mapToLong(Entry::size).sum();
        state = new State(
                state.dropped() + dropped.size() + droppedKept.size(),
                state.droppedBytes() + bytes + keptBytes,
                state.droppedSince(),
                state.lastSentAt(),
                state.lastErrorAt(),
                state.lastError(),
                sections);
        writeState(state);
        if (!dropped.isEmpty()) {
            List<String> ids = dropped.stream().map(Entry::batchId).limit(5).toList();
            warnings.accept("the spool held " + before + " bytes, over its bound of " + maxBytes + " (--spool-max):"
                    + " dropped the " + dropped.size() + " oldest batch(es), " + bytes + " bytes ("
                    + String.join(", ", ids) + (dropped.size() > ids.size() ? ", ..." : "") + "), since a later"
                    + " inventory or heartbeat of this host supersedes them; " + state.dropped() + " batches, "
                    + state.droppedBytes() + " bytes dropped since " + state.droppedSince());
        }
        if (!droppedKept.isEmpty()) {
            warnings.accept("the spool is full of batches that are kept in order (--spool-max " + maxBytes + "):"
                    + " dropped the " + droppedKept.size() + " newest, " + keptBytes + " bytes; dropped per section"
                    + " since " + state.droppedSince() + ": " + sections + " (the server hears these counts)");
        }
    }

    private static Status status(List<Entry> entries, long maxBytes, State state) {
        return new Status(
                entries.size(),
                entries.stream().mapToLong(Entry::size).sum(),
                maxBytes,
                state.dropped(),
                state.droppedBytes(),
                state.droppedSince(),
                state.lastSentAt(),
                state.lastErrorAt(),
                state.lastError(),
                state.droppedSections());
    }

    private static List<Entry> list(Path directory) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json.gz"))
                    .sorted()
                    .toList()) {
                String name = file.getFileName().toString();
                String batchId = name.substring(17, name.length() - ".json.gz".length());
                java.util.regex.Matcher keep = KEEP.matcher(batchId);
                String section = keep.find() ? keep.group(1) : null;
                if (section != null) {
                    batchId = batchId.substring(0, keep.start());
                }
                try {
                    entries.add(new Entry(
                            file,
                            batchId,
                            Files.size(file),
                            section == null ? SpoolPolicy.SUPERSEDE : SpoolPolicy.KEEP,
                            section));
                } catch (java.nio.file.NoSuchFileException sentMeanwhile) {
                    // another reader (vigil agent status) raced the agent's delivery
                }
            }
        }
        return entries;
    }

    /** The state file, or null when there is none or it cannot be read (counting then starts again). */
    private static @Nullable State readState(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            return new State(
                    Long.parseLong(properties.getProperty("dropped", "0")),
                    Long.parseLong(properties.getProperty("droppedBytes", "0")),
                    Instant.parse(properties.getProperty("droppedSince", "")),
                    instant(properties.getProperty("lastSentAt")),
                    instant(properties.getProperty("lastErrorAt")),
                    properties.getProperty("lastError"),
                    droppedSections(properties));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static java.util.SortedMap<String, Long> droppedSections(Properties properties) {
        java.util.SortedMap<String, Long> sections = new java.util.TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("droppedSection.")) {
                sections.put(name.substring("droppedSection.".length()), Long.parseLong(properties.getProperty(name)));
            }
        }
        return sections;
    }

    /** The bound the agent last opened the spool with; 0 when unknown. */
    private static long readMaxBytes(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            return Long.parseLong(properties.getProperty("maxBytes", "0"));
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }

    private static @Nullable Instant instant(@Nullable String text) {
        return text == null ? null : Instant.parse(text);
    }

    /** Written to a temporary file, synced and renamed over the old one: a crash leaves the old or the new. */
    private void writeState(State state) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("maxBytes", Long.toString(maxBytes));
        properties.setProperty("dropped", Long.toString(state.dropped()));
        properties.setProperty("droppedBytes", Long.toString(state.droppedBytes()));
        properties.setProperty("droppedSince", state.droppedSince().toString());
        if (state.lastSentAt() != null) {
            properties.setProperty("lastSentAt", state.lastSentAt().toString());
        }
        if (state.lastErrorAt() != null) {
            properties.setProperty("lastErrorAt", state.lastErrorAt().toString());
        }
        if (state.lastError() != null) {
            properties.setProperty("lastError", state.lastError());
        }
        state.droppedSections()
                .forEach((section, count) -> properties.setProperty("droppedSection." + section, Long.toString(count)));
        StringWriter text = new StringWriter();
        properties.store(text, "the agent's spool: drops and deliveries (vigil agent status reads it)");
        Path temporary = stateFile.resolveSibling(STATE_FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long sequenceOf(Path file) {
        try {
            return Long.parseLong(file.getFileName().toString().substring(0, 16));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
