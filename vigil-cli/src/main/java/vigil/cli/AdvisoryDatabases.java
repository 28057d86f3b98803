package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import vigil.model.ProgressListener;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.DatabaseUpdater;
import vigil.vulndb.store.AdvisoryStore;

/** Opens the advisory database of a data directory, fetching it on first use unless offline. */
final class AdvisoryDatabases {
    private AdvisoryDatabases() {}

    static AdvisoryStore openOrFetch(Path dataDirectory, boolean offline, ProgressListener progress, PrintWriter err)
            throws IOException {
        Path file = AdvisoryStore.fileIn(dataDirectory);
        if (AdvisoryStore.exists(file)) {
            return AdvisoryStore.open(file);
        }
        if (offline) {
            throw new UserError(
                    "there is no advisory database in " + dataDirectory + " and --offline forbids downloading one.\n"
                            + howToImport(dataDirectory),
                    ExitCodes.ERROR);
        }
        err.println("vigil: no advisory database in " + dataDirectory + " yet; downloading it (first use)...");
        try {
            update(dataDirectory, null, progress);
        } catch (IOException e) {
            throw new UserError("could not download the advisory database: " + e.getMessage(), ExitCodes.ERROR);
        }
        return AdvisoryStore.open(file);
    }

    static DatabaseImporter.Result update(
            Path dataDirectory, java.net.@org.jspecify.annotations.Nullable URI mirror, ProgressListener progress)
            throws IOException {
        DatabaseImporter importer = new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());
        return new DatabaseUpdater(DatabaseUpdater.defaultClient(), importer).update(dataDirectory, mirror, progress);
    }

    static String howToImport(Path dataDirectory) {
        return "To scan without internet access, fetch the OSV dumps of your distributions elsewhere, e.g.\n"
                + "  curl -O https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip\n"
                + "then copy them here and run\n"
                + "  vigil db import --data-dir " + dataDirectory + " all.zip\n"
                + "or point 'vigil db update --mirror URL' at an HTTP mirror of those files.";
    }
}
