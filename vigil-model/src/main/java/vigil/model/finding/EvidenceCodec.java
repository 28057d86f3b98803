package vigil.model.finding;

import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import vigil.model.CvssScore;
import vigil.model.FixState;

/**
 * Evidence as JSON (ADR 0034): an object with a {@code type} discriminator ({@link #typeName}) and the type's fields,
 * written straight to text with Jackson's streaming core (a new host's thousands of findings each write one).
 *
 * <p>The schema version travels in {@code v}; it is left out while it is 1, so the evidence of vulnerability
 * findings reads exactly as it was stored before the codec existed. A field a later version adds is ignored; a
 * version newer than {@link #SCHEMA_VERSION} is refused. Decoding refuses anything else it cannot read with an
 * {@link IllegalArgumentException} naming the type and the field.
 */
public final class EvidenceCodec {
    /** The newest schema version this codec reads; a field added without breaking readers does not change it. */
    public static final int SCHEMA_VERSION = 1;
    /** The longest evidence text decoded, in characters. */
    public static final int MAX_LENGTH = 1 << 20;

    private static final int MAX_DEPTH = 8;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private EvidenceCodec() {}

    /** The discriminator of each evidence type, as stored. */
    public static String typeName(Class<? extends Evidence> type) {
        if (type == Evidence.VulnerablePackage.class) {
            return "vulnerable_package";
        } else if (type == Evidence.PostureResult.class) {
            return "posture_result";
        } else if (type == Evidence.ThreatSignal.class) {
            return "threat_signal";
        } else if (type == Evidence.IdentityRisk.class) {
            return "identity_risk";
        } else if (type == Evidence.Attributes.class) {
            return "attributes";
        }
        throw new IllegalArgumentException("no evidence type " + type.getName());
    }

    public static String encode(Evidence evidence) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeStringProperty("type", typeName(evidence.getClass()));
            switch (evidence) {
                case Evidence.VulnerablePackage p -> {
                    // field names and order as stored since V1: this text is compared and kept as it is
                    json.writeStringProperty("package", p.packageName());
                    json.writeStringProperty("installedVersion", p.installedVersion());
                    json.writeStringProperty("purl", p.purl());
                    json.writeStringProperty("fixedVersion", p.fixedVersion());
                    json.writeStringProperty("fixState", p.fixState().name());
                    writeTexts(json, "aliases", p.aliases());
                    json.writeArrayPropertyStart("cvss");
                    for (CvssScore score : p.cvss()) {
                        json.writeStartObject();
                        json.writeStringProperty("version", score.version());
                        json.writeStringProperty("vector", score.vector());
                        json.writeNumberProperty("score", score.baseScore());
                        json.writeStringProperty("source", score.source());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeStringProperty("severitySource", p.severitySource());
                    json.writeStringProperty("advisorySource", p.advisorySource());
                    json.writeStringProperty("advisoryId", p.advisoryId());
                }
                case Evidence.PostureResult p -> {
                    json.writeStringProperty("checkId", p.checkId());
                    writeTexts(json, "controls", p.controls());
                    writeTextMap(json, "examined", p.examined());
                    json.writeStringProperty("expected", p.expected());
                    json.writeStringProperty("actual", p.actual());
                    json.writeStringProperty("remediation", p.remediation());
                }
                case Evidence.ThreatSignal t -> writeSignal(json, t);
                case Evidence.IdentityRisk i -> {
                    json.writeStringProperty("principal", i.principal());
                    json.writeStringProperty("principalType", i.principalType());
                    json.writeStringProperty("kind", i.kind().wireName());
                    writeTexts(json, "permissions", i.permissions());
                    writeTexts(json, "path", i.path());
                    json.writeStringProperty("resource", i.resource());
                }
                case Evidence.Attributes a -> writeTextMap(json, "values", a.values());
            }
            json.writeEndObject();
        }
        return out.toString();
    }

    private static void writeSignal(JsonGenerator json, Evidence.ThreatSignal t) {
        json.writeStringProperty("ruleName", t.ruleName());
        json.writeStringProperty("eventType", t.eventType());
        json.writeStringProperty("at", t.at().toString());
        json.writeName("process");
        if (t.process() == null) {
            json.writeNull();
        } else {
            writeProcess(json, t.process());
        }
        json.writeName("file");
        if (t.file() == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            json.writeStringProperty("path", t.file().path());
            json.writeStringProperty("operation", t.file().operation());
            json.writeEndObject();
        }
        json.writeName("connection");
        if (t.connection() == null) {
            json.writeNull();
        } else {
            Evidence.ThreatSignal.Connection c = t.connection();
            json.writeStartObject();
            json.writeStringProperty("protocol", c.protocol());
            json.writeStringProperty("sourceAddress", c.sourceAddress());
            json.writeNumberProperty("sourcePort", c.sourcePort());
            json.writeStringProperty("destinationAddress", c.destinationAddress());
            json.writeNumberProperty("destinationPort", c.destinationPort());
            json.writeEndObject();
        }
        json.writeObjectPropertyStart("workload");
        json.writeStringProperty("host", t.workload().host());
        json.writeStringProperty("containerId", t.workload().containerId());
        json.writeStringProperty("image", t.workload().image());
        // added by ADR 0046, each only when it has a value: evidence stored before reads back the same
        if (t.workload().containerRuntime() != null) {
            json.writeStringProperty("containerRuntime", t.workload().containerRuntime());
        }
        json.writeEndObject();
        writeTextMap(json, "fields", t.fields());
        if (!t.ancestors().isEmpty()) {
            json.writeArrayPropertyStart("ancestors");
            for (Evidence.ThreatSignal.Process ancestor : t.ancestors()) {
                writeProcess(json, ancestor);
            }
            json.writeEndArray();
        }
        if (t.count() != 1) {
            json.writeNumberProperty("count", t.count());
        }
        if (t.lastTime() != null) {
            json.writeStringProperty("lastTime", t.lastTime().toString());
        }
        if (!t.actions().isEmpty()) {
            json.writeArrayPropertyStart("actions");
            for (Evidence.ThreatSignal.Action action : t.actions()) {
                json.writeStartObject();
                json.writeStringProperty("action", action.action());
                json.writeStringProperty("result", action.result());
                json.writeStringProperty("detail", action.detail());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        writeIfPresent(json, "signalId", t.signalId());
        writeIfPresent(json, "mitreTactic", t.mitreTactic());
        writeIfPresent(json, "mitreTechnique", t.mitreTechnique());
    }

    private static void writeProcess(JsonGenerator json, Evidence.ThreatSignal.Process p) {
        json.writeStartObject();
        json.writeNumberProperty("pid", p.pid());
        json.writeStringProperty("name", p.name());
        json.writeStringProperty("executable", p.executable());
        json.writeStringProperty("commandLine", p.commandLine());
        json.writeStringProperty("user", p.user());
        json.writeStringProperty("parentName", p.parentName());
        if (p.ppid() != null) {
            json.writeNumberProperty("ppid", p.ppid());
        }
        if (p.uid() != null) {
            json.writeNumberProperty("uid", p.uid());
        }
        if (p.gid() != null) {
            json.writeNumberProperty("gid", p.gid());
        }
        writeIfPresent(json, "group", p.group());
        json.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator json, String name, @Nullable String value) {
        if (value != null) {
            json.writeStringProperty(name, value);
        }
    }

    private static void writeTexts(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void writeTextMap(JsonGenerator json, String name, Map<String, String> values) {
        json.writeObjectPropertyStart(name);
        for (Map.Entry<String, String> value : new TreeMap<>(values).entrySet()) {
            json.writeStringProperty(value.getKey(), value.getValue());
        }
        json.writeEndObject();
    }

    /** Reads evidence written by {@link #encode} (or by a later version that only added fields). */
    public static Evidence decode(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "evidence JSON has " + text.length() + " characters; at most " + MAX_LENGTH + " are read");
        }
        Object root;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("evidence JSON is empty");
            }
            root = read(parser, first, 0);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("evidence JSON has content after its object");
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("evidence is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("evidence JSON must be an object with a 'type'");
        }
        Fields top = new Fields("evidence", "", cast(root));
        String type = top.text("type");
        Fields fields = new Fields("evidence '" + type + "'", "", top.values);
        Object version = top.values.get("v");
        if (version != null) {
            long v = fields.whole("v", 1, Integer.MAX_VALUE);
            if (v > SCHEMA_VERSION) {
                throw new IllegalArgumentException("evidence '" + type + "' has schema version " + v
                        + "; this Vigil reads up to " + SCHEMA_VERSION + ": upgrade Vigil to read it");
            }
        }
        return switch (type) {
            case "vulnerable_package" -> vulnerablePackage(fields);
            case "posture_result" ->
                new Evidence.PostureResult(
                        fields.text("checkId"),
                        fields.texts("controls"),
                        fields.textMap("examined"),
                        fields.text("expected"),
                        fields.text("actual"),
                        fields.optionalText("remediation"));
            case "threat_signal" -> threatSignal(fields);
            case "identity_risk" ->
                new Evidence.IdentityRisk(
                        fields.text("principal"),
                        fields.text("principalType"),
                        fields.constant("kind", Evidence.IdentityRisk.RiskKind.class),
                        fields.texts("permissions"),
                        fields.texts("path"),
                        fields.text("resource"));
            case "attributes" -> new Evidence.Attributes(fields.textMap("values"));
            default ->
                throw new IllegalArgumentException("evidence has unknown type '" + type + "'; known are"
                        + " vulnerable_package, posture_result, threat_signal, identity_risk and attributes");
        };
    }

    private static Evidence.VulnerablePackage vulnerablePackage(Fields fields) {
        List<CvssScore> cvss = new ArrayList<>();
        List<Fields> scores = fields.objects("cvss");
        for (Fields score : scores) {
            cvss.add(new CvssScore(
                    score.text("version"), score.text("vector"), score.decimal("score"), score.text("source")));
        }
        return new Evidence.VulnerablePackage(
                fields.text("package"),
                fields.text("installedVersion"),
                fields.text("purl"),
                fields.optionalText("fixedVersion"),
                fields.constant("fixState", FixState.class),
                fields.texts("aliases"),
                cvss,
                fields.text("severitySource"),
                fields.text("advisorySource"),
                fields.text("advisoryId"));
    }

    private static Evidence.ThreatSignal threatSignal(Fields fields) {
        // read in the order written, so the first field that is wrong is the one named
        String ruleName = fields.text("ruleName");
        String eventType = fields.text("eventType");
        Instant at = fields.instant("at");
        Fields process = fields.optionalObject("process");
        Fields file = fields.optionalObject("file");
        Fields connection = fields.optionalObject("connection");
        Fields workload = fields.object("workload");
        Map<String, String> signalFields = fields.textMap("fields");
        // ADR 0046's fields: absent in evidence stored before
        List<Evidence.ThreatSignal.Process> ancestors = new ArrayList<>();
        if (fields.present("ancestors") != null) {
            for (Fields ancestor : fields.objects("ancestors")) {
                ancestors.add(process(ancestor));
            }
        }
        long count = fields.present("count") == null ? 1 : fields.whole("count", 1, Long.MAX_VALUE);
        Instant lastTime = fields.present("lastTime") == null ? null : fields.instant("lastTime");
        List<Evidence.ThreatSignal.Action> actions = new ArrayList<>();
        if (fields.present("actions") != null) {
            for (Fields action : fields.objects("actions")) {
                actions.add(new Evidence.ThreatSignal.Action(
                        action.text("action"), action.text("result"), action.optionalText("detail")));
            }
        }
        return new Evidence.ThreatSignal(
                ruleName,
                eventType,
                at,
                process == null ? null : process(process),
                file == null ? null : new Evidence.ThreatSignal.FileAccess(file.text("path"), file.text("operation")),
                connection == null
                        ? null
                        : new Evidence.ThreatSignal.Connection(
                                connection.text("protocol"),
                                connection.text("sourceAddress"),
                                (int) connection.whole("sourcePort", 0, 65_535),
                                connection.text("destinationAddress"),
                                (int) connection.whole("destinationPort", 0, 65_535)),
                new Evidence.ThreatSignal.Workload(
                        workload.text("host"),
                        workload.optionalText("containerId"),
                        workload.optionalText("image"),
                        workload.optionalText("containerRuntime")),
                signalFields,
                ancestors,
                count,
                lastTime,
                actions,
                fields.optionalText("signalId"),
                fields.optionalText("mitreTactic"),
                fields.optionalText("mitreTechnique"));
    }

    private static Evidence.ThreatSignal.Process process(Fields process) {
        return new Evidence.ThreatSignal.Process(
                process.whole("pid", 0, Long.MAX_VALUE),
                process.text("name"),
                process.text("executable"),
                process.text("commandLine"),
                process.optionalText("user"),
                process.optionalText("parentName"),
                process.optionalWhole("ppid"),
                process.optionalWhole("uid"),
                process.optionalWhole("gid"),
                process.optionalText("group"));
    }

    /** A JSON value as maps, lists, strings, numbers, booleans and {@link #NULL}, at most {@link #MAX_DEPTH} deep. */
    private static Object read(JsonParser parser, JsonToken token, int depth) {
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("evidence JSON nests deeper than " + MAX_DEPTH + " levels");
        }
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken(), depth + 1));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next, depth + 1));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            default -> throw new IllegalArgumentException("evidence JSON has an unexpected " + token);
        };
    }

    /** JSON null, kept apart from an absent field only to say which it was. */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }

    /** The fields of one JSON object, read with messages that name the evidence type and the field's path. */
    private record Fields(String what, String prefix, Map<String, Object> values) {

        private IllegalArgumentException wrong(String name, String expected, @Nullable Object found) {
            String shown = found == null ? "nothing" : found instanceof String s ? "\"" + clip(s) + "\"" : kind(found);
            return new IllegalArgumentException(
                    what + ": field '" + prefix + name + "' must be " + expected + ", found " + shown);
        }

        private static String kind(Object value) {
            return value instanceof Map<?, ?>
                    ? "an object"
                    : value instanceof List<?> ? "a list" : clip(value.toString());
        }

        private static String clip(String text) {
            return text.length() <= 60 ? text : text.substring(0, 60) + "…";
        }

        private @Nullable Object present(String name) {
            Object value = values.get(name);
            return value == NULL ? null : value;
        }

        String text(String name) {
            Object value = present(name);
            if (!(value instanceof String text)) {
                throw wrong(name, "a string", value);
            }
            return text;
        }

        @Nullable
        String optionalText(String name) {
            Object value = present(name);
            return value == null ? null : text(name);
        }

        List<String> texts(String name) {
            Object value = present(name);
            if (!(value instanceof List<?> list)) {
                throw wrong(name, "a list of strings", value);
            }
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String text)) {
                    throw wrong(name + "[" + i + "]", "a string", list.get(i));
                }
                out.add(text);
            }
            return out;
        }

        Map<String, String> textMap(String name) {
            Fields object = object(name);
            Map<String, String> out = new TreeMap<>();
            for (String key : object.values.keySet()) {
                out.put(key, object.text(key));
            }
            return out;
        }

        Fields object(String name) {
            Object value = present(name);
            if (!(value instanceof Map<?, ?>)) {
                throw wrong(name, "an object", value);
            }
            return new Fields(what, prefix + name + ".", cast(value));
        }

        @Nullable
        Fields optionalObject(String name) {
            return present(name) == null ? null : object(name);
        }

        List<Fields> objects(String name) {
            Object value = present(name);
            if (!(value instanceof List<?> list)) {
                throw wrong(name, "a list of objects", value);
            }
            List<Fields> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?>)) {
                    throw wrong(name + "[" + i + "]", "an object", list.get(i));
                }
                out.add(new Fields(what, prefix + name + "[" + i + "].", cast(list.get(i))));
            }
            return out;
        }

        long whole(String name, long min, long max) {
            Object value = present(name);
            if (!(value instanceof Integer || value instanceof Long)
                    || ((Number) value).longValue() < min
                    || ((Number) value).longValue() > max) {
                throw wrong(name, "a whole number from " + min + " to " + max, value);
            }
            return ((Number) value).longValue();
        }

        @Nullable
        Long optionalWhole(String name) {
            return present(name) == null ? null : whole(name, 0, Long.MAX_VALUE);
        }

        double decimal(String name) {
            Object value = present(name);
            if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                throw wrong(name, "a number", value);
            }
            return number.doubleValue();
        }

        Instant instant(String name) {
            String text = text(name);
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw wrong(name, "an ISO-8601 instant (2026-01-02T03:04:05Z)", text);
            }
        }

        <E extends Enum<E>> E constant(String name, Class<E> type) {
            String text = text(name);
            for (E constant : type.getEnumConstants()) {
                // FixState is stored by name, later enums by their lower-case wire name
                if (constant.name().equals(text)
                        || constant.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return constant;
                }
            }
            List<String> known = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                known.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw wrong(name, "one of " + known, text);
        }
    }
}
