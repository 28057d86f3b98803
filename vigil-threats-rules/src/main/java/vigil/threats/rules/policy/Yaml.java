package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import vigil.threats.rules.secl.Pos;

/**
 * A YAML document as a tree that keeps where each value is, so a rule's error names its line and column. Bounded:
 * a file larger than {@link #MAX_CHARS} characters or with more than a few aliases is refused.
 */
public sealed interface Yaml {
    /** Larger than any real policy (Datadog's default is 0.4 MB). */
    int MAX_CHARS = 16 << 20;

    Pos pos();

    /** A scalar; {@code content} is where its text starts (after a quote, on the line after a block indicator). */
    record Scalar(String value, Pos pos, Pos content, boolean block, boolean plain) implements Yaml {}

    record Sequence(List<Yaml> items, Pos pos) implements Yaml {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    record Mapping(Map<String, Yaml> entries, Pos pos) implements Yaml {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public @Nullable Yaml get(String key) {
            return entries.get(key);
        }
    }

    /** A document that is not YAML: where and why. */
    final class YamlException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Pos pos;

        public YamlException(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }

        public Pos pos() {
            return pos;
        }
    }

    static Optional<Yaml> parse(String name, String text) throws YamlException {
        if (text.length() > MAX_CHARS) {
            throw new YamlException(new Pos(1, 1), "larger than " + MAX_CHARS + " characters");
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(name)
                .setMaxAliasesForCollections(20)
                .setAllowDuplicateKeys(false)
                .setCodePointLimit(MAX_CHARS)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Pos pos = e.getProblemMark().map(Yaml::pos).orElse(new Pos(1, 1));
            throw new YamlException(pos, String.valueOf(e.getProblem()));
        } catch (YamlEngineException e) {
            throw new YamlException(new Pos(1, 1), String.valueOf(e.getMessage()));
        } catch (IllegalArgumentException e) {
            // the engine checks some tokens (a tag like "! x") with plain argument checks rather than its own errors
            throw new YamlException(new Pos(1, 1), String.valueOf(e.getMessage()));
        }
        if (root.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.split("\n", -1);
        return Optional.of(convert(root.get(), lines, 0));
    }

    private static Pos pos(Mark mark) {
        return new Pos(mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static Yaml convert(Node node, String[] lines, int depth) throws YamlException {
        Pos pos = node.getStartMark().map(Yaml::pos).orElse(Pos.NONE);
        if (depth > 64) {
            throw new YamlException(pos, "nested deeper than 64 levels");
        }
        return switch (node) {
            case ScalarNode scalar -> {
                ScalarStyle style = scalar.getScalarStyle();
                boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
                Pos content = pos;
                if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
                    content = new Pos(pos.line(), pos.column() + 1);
                } else if (block && pos.line() < lines.length) {
                    String next = lines[pos.line()]; // the line after the indicator (lines are 0-based)
                    int indent = 0;
                    while (indent < next.length() && next.charAt(indent) == ' ') {
                        indent++;
                    }
                    content = new Pos(pos.line() + 1, indent + 1);
                }
                yield new Scalar(scalar.getValue(), pos, content, block, style == ScalarStyle.PLAIN);
            }
            case SequenceNode sequence -> {
                List<Yaml> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    items.add(convert(item, lines, depth + 1));
                }
                yield new Sequence(items, pos);
            }
            case MappingNode mapping -> {
                Map<String, Yaml> entries = new LinkedHashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        throw new YamlException(pos, "a key that is not a plain name");
                    }
                    entries.put(key.getValue(), convert(tuple.getValueNode(), lines, depth + 1));
                }
                yield new Mapping(entries, pos);
            }
            default -> throw new YamlException(pos, "unsupported YAML node");
        };
    }
}
