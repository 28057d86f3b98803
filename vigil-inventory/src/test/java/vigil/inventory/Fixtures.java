package vigil.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.inventory.fs.DirectoryRootFs;

/** The shared public fixtures, and roots built from them. */
public final class Fixtures {
    public static final Path ROOT = Path.of(System.getProperty("vigil.fixtures", "fixtures"));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Fixtures() {}

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    public static JsonNode json(String relative) throws IOException {
        return JSON.readTree(Files.readString(path(relative)));
    }

    public static DirectoryRootFs root(Path directory) {
        return new DirectoryRootFs(directory, "fixture " + directory.getFileName());
    }

    /** Lays out a txtar archive ({@code -- name --} headers) under {@code target}. */
    public static Path txtar(String relative, Path target) throws IOException {
        String text = Files.readString(path(relative), StandardCharsets.UTF_8);
        Path current = null;
        StringBuilder content = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("-- ") && line.endsWith(" --") && line.length() > 6) {
                write(target, current, content);
                current = Path.of(line.substring(3, line.length() - 3).strip());
                content.setLength(0);
            } else if (current != null) {
                content.append(line).append('\n');
            }
        }
        write(target, current, content);
        return target;
    }

    private static void write(Path target, Path file, StringBuilder content) throws IOException {
        if (file == null) {
            return;
        }
        Path destination = target.resolve(file.toString());
        Files.createDirectories(destination.getParent());
        Files.writeString(destination, content.toString());
    }

    /** Copies {@code relative} from the fixtures to {@code inRoot} under {@code target}. */
    public static void place(String relative, Path target, String inRoot) throws IOException {
        Path destination = target.resolve(inRoot.substring(1));
        Files.createDirectories(destination.getParent());
        Files.copy(path(relative), destination);
    }
}
