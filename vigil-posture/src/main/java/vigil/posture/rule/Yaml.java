package vigil.posture.rule;

import java.util.ArrayList;
import java.util.Collections;
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
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A rule file as a tree that keeps where each value is and what YAML made of each scalar (its resolved tag), so a
 * problem names its line and column and an example's {@code 22} stays a number. Bounded: more than
 * {@link #MAX_CHARS} characters, more than a few aliases, or nesting deeper than 64 levels is refused.
 */
sealed interface Yaml {
    int MAX_CHARS = 4 << 20;

    Position position();

    /**
     * A scalar; {@code content} is where its text starts (after a quote, on the line after a block indicator);
     * {@code tag} is YAML's resolved tag ({@code tag:yaml.org,2002:int}, {@code !unknown}).
     */
    record Scalar(String value, String tag, Position position, Position content) implements Yaml {}

    record Sequence(List<Yaml> items, Position position) implements Yaml {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    record Mapping(Map<String, Yaml> entries, Position position) implements Yaml {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Nullable
        Yaml get(String key) {
            return entries.get(key);
        }
    }

    /** A document that is not YAML, or is too large or deep. */
    final class YamlException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Position position;

        YamlException(Position position, String message) {
            super(message);
            this.position = position;
        }

        Position position() {
            return position;
        }
    }

    static Optional<Yaml> parse(String file, String text) throws YamlException {
        Position start = new Position(file, 1, 1);
        if (text.length() > MAX_CHARS) {
            throw new YamlException(start, "larger than " + MAX_CHARS + " characters");
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setMaxAliasesForCollections(20)
                .setAllowDuplicateKeys(false)
                .setCodePointLimit(MAX_CHARS)
                .setSchema(
                        new CoreSchema()) // YAML 1.2's core schema: 0o644 is octal, True and ~ are read as people mean
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Position at = e.getProblemMark().map(m -> at(file, m)).orElse(start);
            throw new YamlException(at, "not YAML: " + e.getProblem());
        } catch (YamlEngineException | IllegalArgumentException e) {
            // the engine checks some tokens (a tag like "! x") with plain argument checks rather than its own errors
            throw new YamlException(start, "not YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(convert(file, root.get(), text.split("\n", -1), 0));
    }

    private static Position at(String file, Mark mark) {
        return new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static Yaml convert(String file, Node node, String[] lines, int depth) throws YamlException {
        Position position = node.getStartMark().map(m -> at(file, m)).orElse(new Position(file, 0, 0));
        if (depth > 64) {
            throw new YamlException(position, "nested deeper than 64 levels");
        }
        return switch (node) {
            case ScalarNode scalar -> {
                ScalarStyle style = scalar.getScalarStyle();
                Position content = position;
                if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
                    content = position.shift(0, 1);
                } else if ((style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED)
                        && position.line() < lines.length) {
                    String next = lines[position.line()]; // the line after the indicator (lines are 0-based)
                    int indent = 0;
                    while (indent < next.length() && next.charAt(indent) == ' ') {
                        indent++;
                    }
                    content = new Position(file, position.line() + 1, indent + 1);
                }
                Tag tag = scalar.getTag();
                yield new Scalar(scalar.getValue(), tag.getValue(), position, content);
            }
            case SequenceNode sequence -> {
                List<Yaml> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    items.add(convert(file, item, lines, depth + 1));
                }
                yield new Sequence(items, position);
            }
            case MappingNode mapping -> {
                Map<String, Yaml> entries = new LinkedHashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        throw new YamlException(position, "a key that is not a plain name");
                    }
                    entries.put(key.getValue(), convert(file, tuple.getValueNode(), lines, depth + 1));
                }
                yield new Mapping(entries, position);
            }
            default -> throw new YamlException(position, "unsupported YAML node");
        };
    }
}
