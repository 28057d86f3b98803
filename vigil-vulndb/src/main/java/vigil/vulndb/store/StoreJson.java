package vigil.vulndb.store;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.CvssScore;
import vigil.vulndb.AffectedPackage;

/** The JSON columns of the store: lists of strings, CVSS scores and version ranges. */
final class StoreJson {
    private static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;

    private StoreJson() {}

    static String strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array.toString();
    }

    static List<String> strings(@Nullable String json) {
        List<String> values = new ArrayList<>();
        if (json != null) {
            JSON.readTree(json).forEach(node -> values.add(node.asString()));
        }
        return values;
    }

    static String cvss(List<CvssScore> scores) {
        ArrayNode array = JSON.createArrayNode();
        for (CvssScore score : scores) {
            ObjectNode node = array.addObject();
            node.put("version", score.version());
            node.put("vector", score.vector());
            node.put("score", score.baseScore());
            node.put("source", score.source());
        }
        return array.toString();
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
        ArrayNode array = JSON.createArrayNode();
        for (AffectedPackage.VersionRange range : ranges) {
            ObjectNode node = array.addObject();
            if (range.introduced() != null) {
                node.put("introduced", range.introduced());
            }
            if (range.fixed() != null) {
                node.put("fixed", range.fixed());
            }
            if (range.lastAffected() != null) {
                node.put("last_affected", range.lastAffected());
            }
        }
        return array.toString();
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
