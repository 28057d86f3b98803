package vigil.vulnerabilities;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
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
    /** The open connections, the first one's first (ADR 0038: a second one matches half a batch on another core). */
    private List<AdvisoryStore> stores = List.of();

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
        /** The first connection. */
        AdvisoryStore store();

        /** Every connection, for a matcher that shares a batch among them. */
        List<AdvisoryStore> stores();

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
                List<AdvisoryStore> open = stores;
                if (!open.isEmpty() && identity.equals(storeFile)) {
                    return new Read<>(
                            reader.read(new Open() {
                                @Override
                                public AdvisoryStore store() {
                                    return open.getFirst();
                                }

                                @Override
                                public List<AdvisoryStore> stores() {
                                    return open;
                                }

                                @Override
                                public Object file() {
                                    return identity;
                                }

                                @Override
                                public boolean covers(String ecosystem) {
                                    return covered.computeIfAbsent(ecosystem, e -> coversNow(open.getFirst(), e));
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
            if (closed || (!stores.isEmpty() && identity.equals(storeFile))) {
                return;
            }
            List<AdvisoryStore> old = stores;
            stores = openStores(file);
            storeFile = identity;
            covered.clear();
            closeQuietly(old); // read-only and replaced: nothing is lost

        } finally {
            lock.writeLock().unlock();
        }
    }

    /** One connection, and a second one where there is a second core. */
    private static List<AdvisoryStore> openStores(Path file) throws IOException {
        AdvisoryStore first = AdvisoryStore.open(file);
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return List.of(first);
        }
        try {
            return List.of(first, AdvisoryStore.open(file));
        } catch (IOException | RuntimeException e) {
            closeQuietly(List.of(first));
            throw e;
        }
    }

    private static void closeQuietly(List<AdvisoryStore> stores) {
        for (AdvisoryStore store : stores) {
            try {
                store.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
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
            List<AdvisoryStore> open = stores;
            stores = List.of();
            storeFile = null;
            IOException failure = null;
            for (AdvisoryStore store : open) {
                try {
                    store.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
