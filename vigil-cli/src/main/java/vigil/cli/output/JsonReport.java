package vigil.cli.output;

import java.io.OutputStream;
import java.io.Writer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.CvssScore;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;

/**
 * The report for machines: a stable, documented JSON document ({@code schemaVersion} 1; see
 * {@code docs/report-json.md}). Fields are only ever added within a schema version.
 */
public final class JsonReport {
    public static final int SCHEMA_VERSION = 1;
    /** The mapper of the tree-built documents, built on first use: a scan's report is streamed without one. */
    private static final class Trees {
        static final JsonMapper JSON =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    private JsonReport() {}

    /**
     * Written as it is read, without building {@link #tree} first (a warm scan's report is 12,000 findings): the same
     * text, as {@code JsonReportTest} checks.
     */
    public static void write(ScanResult result, Writer out) {
        try (JsonGenerator json = STREAM.createGenerator(PRETTY, out)) {
            new Streamed(json, false).report(result);
        }
    }

    /**
     * The same text as {@link #write(ScanResult, Writer)} through a UTF-8 writer, as bytes: Jackson's byte generator
     * encodes as it escapes, where the writer's way copies every string into a char buffer and encodes it again
     * (ADR 0042). The two differ only on a surrogate without its pair, which a UTF-8 writer replaces with {@code ?}
     * and the byte generator rejects: strings are given to it with that replacement made ({@code JsonReportTest}).
     */
    public static void write(ScanResult result, OutputStream out) {
        try (JsonGenerator json = STREAM.createGenerator(PRETTY, out)) {
            new Streamed(json, true).report(result);
        }
    }

    /**
     * {@code text} with each surrogate that is not half of a pair replaced with {@code ?}, as Java's UTF-8 encoder
     * replaces it; the same string when it has none.
     */
    static String withUnpairedSurrogatesReplaced(String text) {
        char[] chars = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (chars == null) {
                chars = text.toCharArray();
            }
            chars[i] = '?';
        }
        return chars == null ? text : new String(chars);
    }

    /** A generator's factory and an indenting context: no mapper (and its serializers) for a report written by hand. */
    private static final JsonFactory STREAM =
            JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private static final ObjectWriteContext PRETTY = new ObjectWriteContext.Base() {
        @Override
        public PrettyPrinter getPrettyPrinter() {
            return new DefaultPrettyPrinter();
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    };

    /** {@code bytes}: the generator encodes UTF-8 itself, so unpaired surrogates are replaced first. */
    private record Streamed(JsonGenerator json, boolean bytes) {
        void report(ScanResult result) {
            Inventory inventory = result.inventory();
            json.writeStartObject();
            json.writeNumberProperty("schemaVersion", SCHEMA_VERSION);
            property("createdAt", inventory.createdAt().toString());
            json.writeObjectPropertyStart("target");
            property("kind", inventory.target().kind().name().toLowerCase(java.util.Locale.ROOT));
            property("name", inventory.target().name());
            if (inventory.target().digest() != null) {
                property("digest", inventory.target().digest());
            }
            json.writeEndObject();
            json.writeObjectPropertyStart("os");
            if (inventory.os() != null) {
                property("family", inventory.os().family().id());
                property("version", inventory.os().version());
                property("name", inventory.os().prettyName());
            }
            property("support", inventory.osSupport().level().name().toLowerCase(java.util.Locale.ROOT));
            json.writeBooleanProperty("scanned", inventory.osSupport().scannable());
            property("reason", inventory.osSupport().reason());
            json.writeEndObject();
            json.writeObjectPropertyStart("database");
            property("path", result.database().path());
            property(
                    "builtAt",
                    result.database().builtAt() == null
                            ? null
                            : result.database().builtAt().toString());
            json.writeNumberProperty("advisories", result.database().advisoryCount());
            json.writeEndObject();
            json.writeNumberProperty("packageCount", inventory.packages().size());
            json.writeArrayPropertyStart("vulnerabilities");
            for (PackageVulnerability match : result.vulnerabilities()) {
                vulnerability(match);
            }
            json.writeEndArray();
            strings("warnings", inventory.warnings());
            json.writeEndObject();
        }

        // the names of a finding's properties, quoted once: a report writes them for each of thousands of findings
        private static final SerializableString ID = new SerializedString("id");
        private static final SerializableString PACKAGE = new SerializedString("package");
        private static final SerializableString PURL = new SerializedString("purl");
        private static final SerializableString INSTALLED_VERSION = new SerializedString("installedVersion");
        private static final SerializableString SOURCE_PACKAGE = new SerializedString("sourcePackage");
        private static final SerializableString FIX_STATE = new SerializedString("fixState");
        private static final SerializableString FIXED_VERSION = new SerializedString("fixedVersion");
        private static final SerializableString SEVERITY = new SerializedString("severity");
        private static final SerializableString SEVERITY_SOURCE = new SerializedString("severitySource");
        private static final SerializableString VERSION = new SerializedString("version");
        private static final SerializableString VECTOR = new SerializedString("vector");
        private static final SerializableString SOURCE = new SerializedString("source");
        private static final SerializableString TITLE = new SerializedString("title");
        private static final SerializableString ADVISORY_SOURCE = new SerializedString("advisorySource");
        private static final SerializableString ADVISORY_ID = new SerializedString("advisoryId");
        private static final SerializableString ALIASES = new SerializedString("aliases");
        private static final SerializableString REFERENCES = new SerializedString("references");
        private static final SerializableString CVSS = new SerializedString("cvss");
        private static final SerializableString SCORE = new SerializedString("score");

        private void vulnerability(PackageVulnerability match) {
            json.writeStartObject();
            property(ID, match.vulnerability().id());
            strings(ALIASES, match.vulnerability().aliases());
            property(PACKAGE, match.pkg().name());
            property(PURL, match.pkg().purl());
            property(INSTALLED_VERSION, match.pkg().evr());
            if (match.pkg().sourceName() != null) {
                property(SOURCE_PACKAGE, match.pkg().sourceName());
            }
            property(FIX_STATE, match.fixState().name().toLowerCase(java.util.Locale.ROOT));
            property(FIXED_VERSION, match.fixedVersion());
            property(SEVERITY, match.severity().name());
            property(SEVERITY_SOURCE, match.vulnerability().severitySource());
            json.writeName(CVSS);
            json.writeStartArray();
            for (CvssScore score : match.vulnerability().cvss()) {
                json.writeStartObject();
                property(VERSION, score.version());
                property(VECTOR, score.vector());
                json.writeName(SCORE);
                json.writeNumber(score.baseScore());
                property(SOURCE, score.source());
                json.writeEndObject();
            }
            json.writeEndArray();
            property(TITLE, match.vulnerability().summary());
            property(ADVISORY_SOURCE, match.advisorySource());
            property(ADVISORY_ID, match.advisoryId());
            strings(REFERENCES, match.vulnerability().references());
            json.writeEndObject();
        }

        private void property(SerializableString name, @Nullable String value) {
            json.writeName(name);
            string(value);
        }

        private void property(String name, @Nullable String value) {
            json.writeName(name);
            string(value);
        }

        private void string(@Nullable String value) {
            json.writeString(bytes && value != null ? withUnpairedSurrogatesReplaced(value) : value);
        }

        private void strings(SerializableString name, List<String> values) {
            json.writeName(name);
            json.writeStartArray();
            for (String value : values) {
                string(value);
            }
            json.writeEndArray();
        }

        private void strings(String name, List<String> values) {
            json.writeArrayPropertyStart(name);
            for (String value : values) {
                string(value);
            }
            json.writeEndArray();
        }
    }

    public static ObjectNode tree(ScanResult result) {
        Inventory inventory = result.inventory();
        ObjectNode root = Trees.JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("createdAt", inventory.createdAt().toString());
        ObjectNode target = root.putObject("target");
        target.put("kind", inventory.target().kind().name().toLowerCase(java.util.Locale.ROOT));
        target.put("name", inventory.target().name());
        if (inventory.target().digest() != null) {
            target.put("digest", inventory.target().digest());
        }
        ObjectNode os = root.putObject("os");
        if (inventory.os() != null) {
            os.put("family", inventory.os().family().id());
            os.put("version", inventory.os().version());
            os.put("name", inventory.os().prettyName());
        }
        os.put("support", inventory.osSupport().level().name().toLowerCase(java.util.Locale.ROOT));
        os.put("scanned", inventory.osSupport().scannable());
        os.put("reason", inventory.osSupport().reason());
        ObjectNode database = root.putObject("database");
        database.put("path", result.database().path());
        database.put(
                "builtAt",
                result.database().builtAt() == null
                        ? null
                        : result.database().builtAt().toString());
        database.put("advisories", result.database().advisoryCount());
        root.put("packageCount", inventory.packages().size());
        ArrayNode vulnerabilities = root.putArray("vulnerabilities");
        for (PackageVulnerability match : result.vulnerabilities()) {
            ObjectNode node = vulnerabilities.addObject();
            node.put("id", match.vulnerability().id());
            aliases(node.putArray("aliases"), match.vulnerability().aliases());
            node.put("package", match.pkg().name());
            node.put("purl", match.pkg().purl());
            node.put("installedVersion", match.pkg().evr());
            if (match.pkg().sourceName() != null) {
                node.put("sourcePackage", match.pkg().sourceName());
            }
            node.put("fixState", match.fixState().name().toLowerCase(java.util.Locale.ROOT));
            node.put("fixedVersion", match.fixedVersion());
            node.put("severity", match.severity().name());
            node.put("severitySource", match.vulnerability().severitySource());
            ArrayNode cvss = node.putArray("cvss");
            for (CvssScore score : match.vulnerability().cvss()) {
                ObjectNode entry = cvss.addObject();
                entry.put("version", score.version());
                entry.put("vector", score.vector());
                entry.put("score", score.baseScore());
                entry.put("source", score.source());
            }
            node.put("title", match.vulnerability().summary());
            node.put("advisorySource", match.advisorySource());
            node.put("advisoryId", match.advisoryId());
            aliases(node.putArray("references"), match.vulnerability().references());
        }
        ArrayNode warnings = root.putArray("warnings");
        inventory.warnings().forEach(warnings::add);
        return root;
    }

    /** The inventory alone, for {@code vigil sbom --format json}. */
    public static ObjectNode inventory(Inventory inventory) {
        ObjectNode root = Trees.JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("target", inventory.target().name());
        root.put("os", inventory.os() == null ? null : inventory.os().prettyName());
        ArrayNode packages = root.putArray("packages");
        for (InstalledPackage pkg : inventory.packages()) {
            ObjectNode node = packages.addObject();
            node.put("name", pkg.name());
            node.put("version", pkg.evr());
            node.put("arch", pkg.arch());
            node.put("source", pkg.effectiveSourceName());
            node.put("sourceVersion", pkg.effectiveSourceVersion());
            node.put("purl", pkg.purl());
            node.put("files", pkg.files().size());
        }
        return root;
    }

    public static void writeTree(ObjectNode tree, Writer out) {
        Trees.JSON.writeValue(out, tree);
    }

    private static void aliases(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
