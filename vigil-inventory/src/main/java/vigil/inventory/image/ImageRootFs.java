package vigil.inventory.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import vigil.inventory.RootFile;
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

    /** Opened component by component inside the flattened root, like any directory root. */
    @Override
    public Optional<RootFile> open(String path) throws IOException {
        return root.open(path);
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
        vigil.inventory.fs.FileTrees.deleteTree(directory);
    }
}
