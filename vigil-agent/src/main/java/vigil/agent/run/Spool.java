package vigil.agent.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The agent's outbox: one file per batch, named by a sequence number so they are sent in the order they were made.
 * Files are written to a temporary name, synced and renamed, so a crash never leaves half a batch. The spool is
 * bounded: past {@code maxBytes} the oldest batches are dropped (a later inventory of the same host supersedes
 * them) and counted, so the agent can say so.
 */
public final class Spool {
    /** One spooled batch. */
    public record Entry(Path file, String batchId, long size) {}

    private final Path directory;
    private final long maxBytes;
    private long sequence;
    private long dropped;

    public Spool(Path directory, long maxBytes) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.maxBytes = maxBytes;
        for (Entry entry : entries()) {
            sequence = Math.max(sequence, sequenceOf(entry.file()));
        }
        try (Stream<Path> leftovers = Files.list(directory)) {
            for (Path file :
                    leftovers.filter(f -> f.toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(file); // a batch being written when the agent stopped
            }
        }
    }

    /** Adds a compressed batch; returns its entry. */
    public synchronized Entry add(String batchId, byte[] gzippedBatch) throws IOException {
        sequence++;
        String name = String.format("%016d-%s.json.gz", sequence, batchId);
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
        return new Entry(file, batchId, gzippedBatch.length);
    }

    /** The spooled batches, oldest first. */
    public synchronized List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json.gz"))
                    .sorted()
                    .toList()) {
                String name = file.getFileName().toString();
                String batchId = name.substring(17, name.length() - ".json.gz".length());
                entries.add(new Entry(file, batchId, Files.size(file)));
            }
        }
        return entries;
    }

    public synchronized void remove(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
    }

    /** Moves a batch the server refused as malformed aside, so it is kept for inspection but not retried. */
    public synchronized void reject(Entry entry) throws IOException {
        Path rejected = Files.createDirectories(directory.resolveSibling("rejected"));
        Files.move(entry.file(), rejected.resolve(entry.file().getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    public synchronized long dropped() {
        return dropped;
    }

    public synchronized long bytes() throws IOException {
        return entries().stream().mapToLong(Entry::size).sum();
    }

    private void enforceBound() throws IOException {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::size).sum();
        for (int i = 0; total > maxBytes && i < entries.size() - 1; i++) {
            Files.deleteIfExists(entries.get(i).file());
            total -= entries.get(i).size();
            dropped++;
        }
    }

    private static long sequenceOf(Path file) {
        try {
            return Long.parseLong(file.getFileName().toString().substring(0, 16));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
