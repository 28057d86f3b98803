package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.file.Path;

/** One rpm database format: hands each stored header blob to a consumer, reading the file with bounded memory. */
interface HeaderBlobs {
    /** Receives one header blob; {@code where} names it for messages ("Packages page 12"). */
    @FunctionalInterface
    interface Consumer {
        void accept(byte[] blob, String where);
    }

    void read(Path file, String description, Consumer consumer) throws IOException;
}
