package vigil.vulndb;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories of the data directory are the owner's alone (0600 and 0700): what a scanner trusts to
 * decide what is vulnerable must not be readable or replaceable by other users, whatever the umask.
 */
public final class OwnerOnly {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {}

    /** Creates {@code directory} and its missing parents, each new one 0700; existing ones are left as they are. */
    public static Path createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return directory;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        if (POSIX) {
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
            Files.setPosixFilePermissions(absolute, DIRECTORY); // the umask may have narrowed it; never widen
        } else {
            Files.createDirectory(absolute);
        }
        return directory;
    }

    public static Path createTempFile(Path directory, String prefix, String suffix) throws IOException {
        FileAttribute<?>[] attributes =
                POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
        return Files.createTempFile(directory, prefix, suffix, attributes);
    }

    /** Makes an existing file owner-only (one written by a library that used the umask). */
    public static void restrict(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }
}
