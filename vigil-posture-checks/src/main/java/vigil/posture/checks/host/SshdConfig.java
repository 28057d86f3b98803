package vigil.posture.checks.host;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenSSH server's configuration as sshd reads it: keywords case-insensitive, the first value of a keyword wins,
 * {@code Include} files read in place (globs sorted, relative to {@code /etc/ssh}), and lines under a {@code Match}
 * block left out of the global settings. Only what is set explicitly is kept: a setting absent here is sshd's
 * compiled-in default, which rules name themselves.
 */
final class SshdConfig {
    static final String PATH = "/etc/ssh/sshd_config";
    private static final int MAX_DEPTH = 16;

    /** The global settings (keyword in lower case to its value) and where each was set ({@code file:line}). */
    record Settings(Map<String, String> values, Map<String, String> sources, int matchBlocks, List<String> files) {}

    private final HostFiles files;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> read = new ArrayList<>();
    private int matchBlocks;
    private boolean inMatch;

    private SshdConfig(HostFiles files) {
        this.files = files;
    }

    static Settings read(HostFiles files) {
        SshdConfig config = new SshdConfig(files);
        config.file(PATH, 0);
        return new Settings(config.values, config.sources, config.matchBlocks, config.read);
    }

    private void file(String path, int depth) {
        if (depth > MAX_DEPTH || read.size() > 256) {
            return;
        }
        var text = files.text(path);
        if (text.isEmpty()) {
            return;
        }
        read.add(path);
        List<String> lines = HostFiles.split(text.get());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("[\\s=]+", 2);
            String keyword = parts[0].toLowerCase(Locale.ROOT);
            String value = parts.length > 1 ? unquote(parts[1].strip()) : "";
            if (keyword.equals("match")) {
                inMatch = true;
                matchBlocks++;
                continue;
            }
            if (keyword.equals("include")) {
                for (String pattern : value.split("\\s+")) {
                    for (String included : expand(pattern)) {
                        file(included, depth + 1);
                    }
                }
                continue;
            }
            if (!inMatch && !values.containsKey(keyword)) {
                values.put(keyword, value);
                sources.put(keyword, path + ":" + (i + 1));
            }
        }
    }

    private static String unquote(String value) {
        int hash = value.indexOf(" #");
        String cut = hash >= 0 ? value.substring(0, hash).strip() : value;
        if (cut.length() >= 2 && cut.startsWith("\"") && cut.endsWith("\"")) {
            return cut.substring(1, cut.length() - 1);
        }
        return cut;
    }

    /** An Include pattern's files in the root: relative to /etc/ssh, a glob in the last component only. */
    private List<String> expand(String pattern) {
        String absolute = pattern.startsWith("/") ? pattern : "/etc/ssh/" + pattern;
        int slash = absolute.lastIndexOf('/');
        String directory = slash <= 0 ? "/" : absolute.substring(0, slash);
        String glob = absolute.substring(slash + 1);
        if (!glob.contains("*") && !glob.contains("?") && !glob.contains("[")) {
            return List.of(absolute);
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return files.list(directory, "").stream()
                .filter(name -> matcher.matches(Path.of(name)))
                .map(name -> directory + "/" + name)
                .toList();
    }
}
