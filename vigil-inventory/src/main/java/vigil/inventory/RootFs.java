package vigil.inventory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A read-only root filesystem confined to its root: a live host ({@code /}), a directory, or the flattened layers
 * of an image. Paths are absolute and written as inside the target ({@code /var/lib/dpkg/status}); symbolic links
 * are resolved as if the root were {@code /}, so a link can never lead outside it.
 */
public interface RootFs extends Closeable {
    /** A regular file at {@code path} inside the root, as a real file that can be opened; empty if absent. */
    Optional<Path> file(String path) throws IOException;

    /** Names of the entries of the directory at {@code path}, sorted; empty if it is absent or not a directory. */
    List<String> list(String path) throws IOException;

    /** How to name this root in messages ("host /", "rootfs ./debian", "image alpine.tar"). */
    String describe();

    @Override
    default void close() throws IOException {}
}
