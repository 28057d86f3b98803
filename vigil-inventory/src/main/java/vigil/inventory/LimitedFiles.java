package vigil.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The limits of what Vigil reads from a target, and readers that apply them while they read (before anything is
 * kept), so a hostile target cannot make Vigil read gigabytes or hold them in memory.
 */
public final class LimitedFiles {
    /** Release files and similar are a few hundred bytes; one MiB is generous. */
    public static final long SMALL_FILE_LIMIT = 1L << 20;

    /** Package databases of real systems are tens of MiB; 512 MiB is far beyond any real one. */
    public static final long DATABASE_LIMIT = 512L << 20;

    /** The longest line of a package database kept: real fields (a long Depends or Provides) are a few KiB. */
    public static final int LINE_LIMIT = 256 << 10;

    /** The text of one record (a dpkg stanza, an apk record) kept, without its description. */
    public static final int RECORD_LIMIT = 4 << 20;

    /** More installed packages than any real system has (a full Debian archive is about 70 000). */
    public static final int PACKAGE_LIMIT = 200_000;

    /** Owned file paths kept for one scan (a large desktop has about 500 000). */
    public static final int FILE_PATHS_LIMIT = 2_000_000;

    /** Characters of owned file paths kept for one scan: bounds the memory file lists take. */
    public static final long FILE_PATH_CHARS_LIMIT = 128L << 20;

    private LimitedFiles() {}

    /** The whole (small) file as text, refused beyond {@code limit} bytes. */
    public static String readString(RootFile file, long limit) throws IOException {
        refuseLarger(file, limit);
        try (InputStream input = file.stream(limit)) {
            return new String(input.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Refuses a file whose size is already beyond {@code limit}, before reading a byte. */
    public static void refuseLarger(RootFile file, long limit) {
        if (file.size() > limit) {
            throw new InventoryException(file.name() + " is " + file.size() + " bytes, more than the " + limit
                    + " bytes Vigil reads from such a file; it is not a real one");
        }
    }

    /**
     * Copies the file to {@code target} (which must not exist: a private directory's new file), at most
     * {@code limit} bytes, from the channel that was opened inside the root.
     */
    public static void copy(RootFile file, Path target, long limit) throws IOException {
        refuseLarger(file, limit);
        file.channel().position(0);
        try (InputStream input = file.stream(limit);
                OutputStream output = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            input.transferTo(output);
        }
    }
}
