package vigil.posture.checks.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.RootFile;
import vigil.inventory.RootFs;

/** Small configuration files read from a root: each resolved inside it, refused beyond 1 MiB. */
final class HostFiles {
    /** Larger than any real sshd_config, login.defs or sysctl file. */
    static final long LIMIT = 1L << 20;

    private final RootFs root;
    private final List<String> notes;

    HostFiles(RootFs root, List<String> notes) {
        this.root = root;
        this.notes = notes;
    }

    RootFs root() {
        return root;
    }

    /** The file's text, or empty when it is absent; one that cannot be read is a note and empty. */
    Optional<String> text(String path) {
        try (var file = root.open(path).orElse(null)) {
            if (file == null) {
                return Optional.empty();
            }
            return Optional.of(LimitedFiles.readString(file, LIMIT));
        } catch (IOException | InventoryException e) {
            notes.add(path + " in " + root.describe() + " could not be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The file's lines with their numbers (from 1), comments and blank lines kept for the caller to skip. */
    List<String> lines(String path) {
        return text(path).map(HostFiles::split).orElse(List.of());
    }

    static List<String> split(String text) {
        return new ArrayList<>(List.of(text.split("\r?\n", -1)));
    }

    /** Names of the directory's entries ending in {@code suffix}, sorted; empty if absent. */
    List<String> list(String directory, String suffix) {
        try {
            return root.list(directory).stream()
                    .filter(name -> name.endsWith(suffix))
                    .toList();
        } catch (IOException | InventoryException e) {
            notes.add(directory + " in " + root.describe() + " could not be listed: " + e.getMessage());
            return List.of();
        }
    }

    /** Whether a regular file exists at {@code path}. */
    boolean exists(String path) {
        try (RootFile file = root.open(path).orElse(null)) {
            return file != null;
        } catch (IOException | InventoryException e) {
            return false;
        }
    }
}
