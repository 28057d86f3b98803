package vigil.vulndb.store;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.CvssScore;
import vigil.vulndb.AffectedPackage;

/** The JSON columns of the store: lists of strings, CVSS scores and version ranges. */
final class StoreJson {
    private static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;

    private StoreJson() {}

    // Written by hand, read by Jackson: building a tree per column and serializing it was a tenth of an import.
    static String strings(List<String> values) {
        StringBuilder out = new StringBuilder(16 + 32 * values.size()).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            quoted(out, values.get(i));
        }
        return out.append(']').toString();
    }

    /** A JSON string as Jackson writes it: quote, backslash and control characters escaped, the rest as is. */
    static void quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    static List<String> strings(@Nullable String json) {
        List<String> values = new ArrayList<>();
        if (json != null) {
            JSON.readTree(json).forEach(node -> values.add(node.asString()));
        }
        return values;
    }

    static String cvss(List<CvssScore> scores) {
        StringBuilder out = new StringBuilder(128 * scores.size() + 2).append('[');
        for (int i = 0; i < scores.size(); i++) {
            CvssScore score = scores.get(i);
            out.append(i > 0 ? ",{" : "{");
            field(out, "version", score.version(), true);
            field(out, "vector", score.vector(), false);
            out.append(",\"score\":").append(score.baseScore());
            field(out, "source", score.source(), false);
            out.append('}');
        }
        return out.append(']').toString();
    }

    static List<CvssScore> cvss(@Nullable String json) {
        List<CvssScore> scores = new ArrayList<>();
        if (json != null) {
            for (JsonNode node : JSON.readTree(json)) {
                scores.add(new CvssScore(
                        node.path("version").asString(),
                        node.path("vector").asString(),
                        node.path("score").asDouble(),
                        node.path("source").asString()));
            }
        }
        return scores;
    }

    static String ranges(List<AffectedPackage.VersionRange> ranges) {
        StringBuilder out = new StringBuilder(64 * ranges.size() + 2).append('[');
        for (int i = 0; i < ranges.size(); i++) {
            AffectedPackage.VersionRange range = ranges.get(i);
            out.append(i > 0 ? ",{" : "{");
            boolean first = field(out, "introduced", range.introduced(), true);
            first = field(out, "fixed", range.fixed(), first);
            field(out, "last_affected", range.lastAffected(), first);
            out.append('}');
        }
        return out.append(']').toString();
    }

    private static boolean field(StringBuilder out, String name, @Nullable String value, boolean first) {
        if (value == null) {
            return first;
        }
        if (!first) {
            out.append(',');
        }
        out.append('"').append(name).append("\":");
        quoted(out, value);
        return false;
    }

    static List<AffectedPackage.VersionRange> ranges(@Nullable String json) {
        List<AffectedPackage.VersionRange> ranges = new ArrayList<>();
        if (json != null) {
            for (JsonNode node : JSON.readTree(json)) {
                ranges.add(new AffectedPackage.VersionRange(
                        text(node, "introduced"), text(node, "fixed"), text(node, "last_affected")));
            }
        }
        return ranges;
    }

    private static @Nullable String text(JsonNode node, String field) {
        return node.has(field) ? node.path(field).asString() : null;
    }
}
