package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;
import vigil.model.ProgressListener;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The advisory database as a scan reads it: one connection, and a second one on a machine with more than one core,
 * which matches half the packages on its own thread (ADR 0038). A database already in the data directory is opened
 * on another thread while the scan reads its target; a missing one is fetched afterwards, as before, so its messages
 * come after the target's warnings.
 */
final class AdvisoryConnections implements AutoCloseable {
    private final List<AdvisoryStore> stores;

    private AdvisoryConnections(List<AdvisoryStore> stores) {
        this.stores = List.copyOf(stores);
    }

    /** The connections, the first one's first. */
    List<AdvisoryStore> stores() {
        return stores;
    }

    AdvisoryStore first() {
        return stores.getFirst();
    }

    /** Opening in the background, or nothing to do there when the database is not here yet. */
    static Opening start(Path dataDirectory) {
        Path file = AdvisoryStore.fileIn(dataDirectory);
        if (!AdvisoryStore.exists(file)) {
            return new Opening(null);
        }
        FutureTask<AdvisoryConnections> task = new FutureTask<>(() -> open(AdvisoryStore.open(file)));
        Thread.ofPlatform().daemon().name("vigil-open-advisories").start(task);
        return new Opening(task);
    }

    /** The second connection beside {@code first}, when there is a core for it. */
    private static AdvisoryConnections open(AdvisoryStore first) throws IOException {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return new AdvisoryConnections(List.of(first));
        }
        try {
            return new AdvisoryConnections(List.of(first, AdvisoryStore.open(first.file())));
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
    }

    /** A database being opened while the target is read. */
    static final class Opening implements AutoCloseable {
        private final @Nullable FutureTask<AdvisoryConnections> task;
        private boolean taken;

        private Opening(@Nullable FutureTask<AdvisoryConnections> task) {
            this.task = task;
        }

        /** The connections: those opened in the background, or the database fetched now when it was missing. */
        AdvisoryConnections take(Path dataDirectory, boolean offline, ProgressListener progress, PrintWriter err)
                throws IOException {
            taken = true;
            if (task == null) {
                return open(AdvisoryDatabases.openOrFetch(dataDirectory, offline, progress, err));
            }
            return result(task);
        }

        /** Closes what was opened in the background and never taken (the target could not be read). */
        @Override
        public void close() throws IOException {
            if (task != null && !taken) {
                taken = true;
                try {
                    result(task).close();
                } catch (IOException | RuntimeException e) {
                    // the scan failed already for another reason, which is the one to report
                }
            }
        }

        private static AdvisoryConnections result(FutureTask<AdvisoryConnections> task) throws IOException {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return task.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case IOException cause -> throw cause;
                    case RuntimeException cause -> throw cause;
                    case Error cause -> throw cause;
                    case null, default -> throw new IOException(e.getCause());
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (AdvisoryStore store : stores) {
            try {
                store.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
