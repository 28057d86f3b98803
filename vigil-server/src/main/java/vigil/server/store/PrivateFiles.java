package vigil.server.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory and the files in it that hold secrets (the store, its write-ahead log, the key that seals
 * webhook targets) are the server's user's only: 0700 and 0600, whatever the umask.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {}

    /** Creates the directory 0700 when it is missing; an existing one is the administrator's to set. */
    public static void directory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(directory)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException e) {
            // made by another process meanwhile
        }
    }

    /** Creates the file empty and 0600 when it is missing, and takes group and other access away when present. */
    public static void file(Path file) throws IOException {
        boolean posix = posix(file);
        if (!Files.exists(file)) {
            try {
                if (posix) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException e) {
                // made meanwhile: tightened below
            }
        }
        if (posix && !OWNER_FILE.containsAll(Files.getPosixFilePermissions(file))) {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        }
    }

    private static boolean posix(Path path) throws IOException {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }
}
