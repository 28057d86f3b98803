package vigil.vulndb.store;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.CvssScore;
import vigil.vulndb.AffectedPackage;

/** The JSON columns of the store: lists of strings, CVSS scores and version ranges. */
final class StoreJson {
    private StoreJson() {}

    /**
     * Jackson, built on first use: columns in the shape this class writes are read by {@link CompactJson}, so a
     * scan never builds the mapper.
     */
    private static final class Jackson {
        static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;

        /** Parsers straight from the factory: the mapper's createParser builds a deserialization context for each. */
        static final TokenStreamFactory PARSERS = JSON.tokenStreamFactory();
    }

    private static JsonParser parser(String json) {
        return Jackson.PARSERS.createParser(ObjectReadContext.empty(), json);
    }

    // Written by hand, read by Jackson's streaming parser: building a tree per column and serializing it was a tenth
    // of an import.
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

    /*
     * Reading: a scan reads tens of thousands of these columns, most of them "[]". They are read with the streaming
     * parser (building a tree for each made them a fifth of what a scan allocated), and "[]" not parsed at all.
     */

    static List<String> strings(@Nullable String json) {
        List<String> values = new ArrayList<>(2);
        if (json == null || json.equals(EMPTY)) {
            return values;
        }
        List<String> compact = CompactJson.strings(json);
        if (compact != null) {
            return compact;
        }
        try (JsonParser parser = parser(json)) {
            expect(parser.nextToken(), JsonToken.START_ARRAY, json);
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                expect(token, JsonToken.VALUE_STRING, json);
                values.add(parser.getString());
            }
        }
        return values;
    }

    private static final String EMPTY = "[]";

    private static String string(@Nullable JsonToken token, JsonParser parser, String json) {
        expect(token, JsonToken.VALUE_STRING, json);
        return parser.getString();
    }

    private static void expect(@Nullable JsonToken token, JsonToken expected, String json) {
        if (token != expected) {
            throw new IllegalStateException("the advisory database holds a damaged column value " + json
                    + "; run 'vigil db update' or 'vigil db import' to rebuild it");
        }
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
        List<CvssScore> scores = new ArrayList<>(2);
        if (json != null && !json.equals(EMPTY)) {
            List<CvssScore> compact = CompactJson.cvss(json);
            if (compact != null) {
                return compact;
            }
            for (JsonNode node : Jackson.JSON.readTree(json)) {
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
        List<AffectedPackage.VersionRange> ranges = new ArrayList<>(2);
        if (json == null || json.equals(EMPTY)) {
            return ranges;
        }
        List<AffectedPackage.VersionRange> compact = CompactJson.ranges(json);
        if (compact != null) {
            return compact;
        }
        try (JsonParser parser = parser(json)) {
            expect(parser.nextToken(), JsonToken.START_ARRAY, json);
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                expect(token, JsonToken.START_OBJECT, json);
                String introduced = null;
                String fixed = null;
                String lastAffected = null;
                String name;
                while ((name = parser.nextName()) != null) {
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "introduced" -> introduced = string(value, parser, json);
                        case "fixed" -> fixed = string(value, parser, json);
                        case "last_affected" -> lastAffected = string(value, parser, json);
                        default -> parser.skipChildren(); // written by a later Vigil: ignored
                    }
                }
                ranges.add(new AffectedPackage.VersionRange(introduced, fixed, lastAffected));
            }
        }
        return ranges;
    }

    /**
     * An instant as {@link Instant#toString} writes it ({@code 2026-01-01T00:00:00Z}, with 3, 6 or 9 digits of
     * fraction when there is one), read without {@link java.time.format.DateTimeFormatter}: a scan reads two for
     * each advisory it reports, and {@link Instant#parse} took a tenth of matching. Anything else (a leap second, a
     * year past 9999) goes through {@link Instant#parse}.
     */
    static Instant instant(String text) {
        int length = text.length();
        if (length >= 20
                && length <= 30
                && text.charAt(4) == '-'
                && text.charAt(7) == '-'
                && text.charAt(10) == 'T'
                && text.charAt(13) == ':'
                && text.charAt(16) == ':'
                && text.charAt(length - 1) == 'Z'
                && (length == 20 || (text.charAt(19) == '.' && length > 21))) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int fraction = length == 20 ? 0 : digits(text, 20, length - 1);
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && fraction >= 0) {
                int nanos = fraction;
                for (int i = length - 1 - 20; i < 9; i++) {
                    nanos *= 10;
                }
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, length == 20 ? 0 : nanos)
                            .toInstant(ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    // out of range (a leap second): Instant.parse says what it accepts
                }
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if it is not all ASCII digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
