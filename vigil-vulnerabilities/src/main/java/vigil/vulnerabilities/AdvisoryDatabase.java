package vigil.vulnerabilities;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The server's advisory database and its life cycle: opened once and kept open while its file is unchanged (what it
 * read stays read for the next batch), opened again when an update replaces the file, closed when the server stops.
 * Readers hold the read lock while they use the store; replacing it takes the write lock, so it is never closed under
 * a reader.
 */
final class AdvisoryDatabase implements AutoCloseable {
    private final Path file;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private @Nullable AdvisoryStore store;

    /** The identity of the file the open store was opened from: modification time, file key (inode), size. */
    private @Nullable Object storeFile;

    private boolean closed;

    /** Whether the open store has advisories for an ecosystem, by ecosystem; emptied when it is opened again. */
    private final ConcurrentHashMap<String, Boolean> covered = new ConcurrentHashMap<>();

    AdvisoryDatabase(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    boolean exists() {
        return AdvisoryStore.exists(file);
    }

    /** What a reader needs of the open store while it holds it. */
    interface Open {
        AdvisoryStore store();

        /** The identity of the database file this store was opened from (what it reads answers for it only). */
        Object file();

        /** Whether the store has advisories for the ecosystem (cached until the store is opened again). */
        boolean covers(String ecosystem);
    }

    /** What a reader computed and the identity of the database file it read. */
    record Read<T>(T value, Object file) {}

    interface Reader<T> {
        T read(Open open) throws IOException;
    }

    /** Runs the reader on the database as its file is now, opening it first when it is not open or was replaced. */
    <T> Read<T> read(Reader<T> reader) throws IOException {
        while (true) {
            Object identity = identity();
            lock.readLock().lock();
            try {
                if (closed) {
                    throw new IllegalStateException("matching is closed (the server is stopping)");
                }
                AdvisoryStore open = store;
                if (open != null && identity.equals(storeFile)) {
                    return new Read<>(
                            reader.read(new Open() {
                                @Override
                                public AdvisoryStore store() {
                                    return open;
                                }

                                @Override
                                public Object file() {
                                    return identity;
                                }

                                @Override
                                public boolean covers(String ecosystem) {
                                    return covered.computeIfAbsent(ecosystem, e -> coversNow(open, e));
                                }
                            }),
                            identity);
                }
            } finally {
                lock.readLock().unlock();
            }
            reopen(identity); // not open yet, or the file was replaced: open it, then read under the read lock
        }
    }

    private static boolean coversNow(AdvisoryStore store, String ecosystem) {
        try {
            return store.covers(ecosystem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens the database again when its file changed (an update replaces the file; the old connection would go on
     * reading the old one), once the readers of the old one are done.
     */
    private void reopen(Object identity) throws IOException {
        lock.writeLock().lock();
        try {
            if (closed || (store != null && identity.equals(storeFile))) {
                return;
            }
            AdvisoryStore old = store;
            store = AdvisoryStore.open(file);
            storeFile = identity;
            covered.clear();
            if (old != null) {
                try {
                    old.close();
                } catch (IOException e) {
                    // read-only and replaced: nothing is lost
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Object identity() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return Arrays.asList(attributes.lastModifiedTime(), attributes.fileKey(), attributes.size());
    }

    /** The identity of the database file as it is now (null when there is none). */
    @Nullable
    Object current() {
        try {
            return exists() ? identity() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The file's modification time (0: none), to notice updates. */
    long stamp() {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Closes the open store; reading afterwards is refused (the server is stopping). */
    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            closed = true;
            AdvisoryStore open = store;
            store = null;
            storeFile = null;
            if (open != null) {
                open.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
