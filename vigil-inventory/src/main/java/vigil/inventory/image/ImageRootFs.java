package vigil.inventory.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import vigil.inventory.RootFs;
import vigil.inventory.fs.DirectoryRootFs;

/** The flattened layers of an image in a private temporary directory, deleted on close. */
public final class ImageRootFs implements RootFs {
    private final Path directory;
    private final DirectoryRootFs root;
    private final ImageMetadata metadata;
    private final List<String> warnings;

    ImageRootFs(Path directory, String description, ImageMetadata metadata, List<String> warnings) {
        this.directory = directory;
        this.root = new DirectoryRootFs(directory, description);
        this.metadata = metadata;
        this.warnings = List.copyOf(warnings);
    }

    public ImageMetadata metadata() {
        return metadata;
    }

    /** Entries skipped or refused while flattening, each naming the layer and the entry. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public Optional<Path> file(String path) throws IOException {
        return root.file(path);
    }

    @Override
    public List<String> list(String path) throws IOException {
        return root.list(path);
    }

    @Override
    public String describe() {
        return root.describe();
    }

    @Override
    public void close() throws IOException {
        deleteTree(directory);
    }

    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException error) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
