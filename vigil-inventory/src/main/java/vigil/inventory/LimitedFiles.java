package vigil.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads small text files of a target with a size cap, so a hostile target cannot make Vigil read gigabytes. */
public final class LimitedFiles {
    /** Release files and similar are a few hundred bytes; one MiB is generous. */
    public static final long SMALL_FILE_LIMIT = 1L << 20;

    /** Package databases of real systems are tens of MiB; 512 MiB is far beyond any real one. */
    public static final long DATABASE_LIMIT = 512L << 20;

    private LimitedFiles() {}

    public static String readString(Path file, long limit, String description) throws IOException {
        long size = Files.size(file);
        if (size > limit) {
            throw new InventoryException(description + " is " + size + " bytes, more than the " + limit
                    + " bytes Vigil reads from such a file; it is not a real one");
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
