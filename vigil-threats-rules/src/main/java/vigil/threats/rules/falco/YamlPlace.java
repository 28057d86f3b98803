package vigil.threats.rules.falco;

import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Where a YAML scalar's characters are in its file. A block or multi-line scalar's value is not its source text
 * (indentation and line breaks are folded away), so an offset into the value is found by walking the source from the
 * scalar's start, matching the value's characters in order and letting whitespace stand for line breaks.
 */
record YamlPlace(String file, String source, int start, String value, boolean block) implements SourceText.Place {
    static YamlPlace of(String file, String source, Node node) {
        int index = node.getStartMark().map(m -> m.getIndex()).orElse(0);
        String value = node instanceof ScalarNode scalar ? scalar.getValue() : "";
        boolean block = node instanceof ScalarNode scalar
                && (scalar.getScalarStyle() == ScalarStyle.FOLDED || scalar.getScalarStyle() == ScalarStyle.LITERAL);
        return new YamlPlace(file, source, index, value, block);
    }

    @Override
    public String locate(int offset) {
        int at = Math.min(start, source.length());
        if (block) {
            int newline = source.indexOf('\n', at);
            at = newline < 0 ? source.length() : newline + 1;
        } else if (at < source.length() && (source.charAt(at) == '"' || source.charAt(at) == '\'')) {
            at++;
        }
        // an error at the end is shown after the last character, not on the next line's key
        int end = Math.min(offset, value.stripTrailing().length());
        for (int i = 0; i < end && at < source.length(); i++) {
            char c = value.charAt(i);
            while (at < source.length() && source.charAt(at) != c && Character.isWhitespace(source.charAt(at))) {
                at++;
            }
            if (at < source.length() && (source.charAt(at) == c || Character.isWhitespace(c))) {
                at++;
            }
        }
        if (end < offset || end == value.stripTrailing().length()) {
            return at(file, source, at);
        }
        while (at < source.length() && source.charAt(at) != '\n' && Character.isWhitespace(source.charAt(at))) {
            at++;
        }
        return at(file, source, at);
    }

    /** {@code file:line:col} of a character index, both counted from 1. */
    static String at(String file, String source, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(index, source.length()); i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return file + ":" + line + ":" + (index - lineStart + 1);
    }
}
