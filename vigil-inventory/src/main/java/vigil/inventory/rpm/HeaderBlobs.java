package vigil.inventory.rpm;

import java.io.IOException;
import vigil.inventory.RootFile;

/** One rpm database format: hands each stored header blob to a consumer, reading the file with bounded memory. */
interface HeaderBlobs {
    /** The largest header blob read: rpm's own headers are at most a few MiB (its hard limit is 256 MiB). */
    int MAX_BLOB = 64 << 20;

    /** Receives one header blob; {@code where} names it for messages ("Packages page 12"). */
    @FunctionalInterface
    interface Consumer {
        void accept(byte[] blob, String where);
    }

    /** Reads the database open as {@code file}, naming it {@code file.name()} in messages. */
    void read(RootFile file, Consumer consumer) throws IOException;
}
