package vigil.inventory.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.CappedWarnings;
import vigil.inventory.InventoryException;
import vigil.inventory.os.OsDetector;
import vigil.inventory.os.SupportTable;
import vigil.model.CvssScore;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.PackageVulnerability;
import vigil.model.Severity;
import vigil.model.Target;

/**
 * CycloneDX 1.6 JSON: an inventory as components with purls (and the OS as an {@code operating-system}
 * component), optionally with the matched {@code vulnerabilities}; and back from CycloneDX 1.4–1.6 JSON, including
 * Trivy's source-package properties, so an SBOM made elsewhere can be scanned.
 */
public final class CycloneDx {
    public static final String SPEC_VERSION = "1.6";
    /** SBOMs of real images are a few MiB; 256 MiB is far beyond any. */
    public static final long MAX_BYTES = 256L << 20;

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    /** Reads SBOMs: nesting and string limits far beyond real CycloneDX, far below what exhausts a stack or heap. */
    private static final JsonMapper READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(16 << 20)
                            .maxNameLength(64 << 10)
                            .build())
                    .build())
            .build();
    /** Components read from one SBOM: real ones, even with every language package, have tens of thousands. */
    static final int MAX_COMPONENTS = 1_000_000;
    /** Values in one component or the metadata: real ones have tens (a few hundred with many properties). */
    static final int MAX_NODES_PER_ELEMENT = 100_000;

    private static final String PREFIX = "vigil:";

    private CycloneDx() {}

    public static void write(
            Inventory inventory, List<PackageVulnerability> vulnerabilities, String toolVersion, Writer out) {
        JSON.writeValue(out, tree(inventory, vulnerabilities, toolVersion, UUID.randomUUID()));
    }

    public static ObjectNode tree(
            Inventory inventory, List<PackageVulnerability> vulnerabilities, String toolVersion, UUID serial) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", SPEC_VERSION);
        bom.put("serialNumber", "urn:uuid:" + serial);
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", inventory.createdAt().toString());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", "vigil");
        tool.put("version", toolVersion);
        ObjectNode subject = metadata.putObject("component");
        subject.put("bom-ref", "target");
        subject.put("type", inventory.target().kind() == Target.Kind.IMAGE ? "container" : "platform");
        subject.put("name", inventory.target().name());
        ArrayNode subjectProperties = subject.putArray("properties");
        property(
                subjectProperties,
                "target:kind",
                inventory.target().kind().name().toLowerCase(Locale.ROOT));
        if (inventory.target().digest() != null) {
            property(subjectProperties, "target:digest", inventory.target().digest());
        }
        property(
                subjectProperties,
                "os:support",
                inventory.osSupport().level().name().toLowerCase(Locale.ROOT));
        property(subjectProperties, "os:reason", inventory.osSupport().reason());

        ArrayNode components = bom.putArray("components");
        List<String> refs = new ArrayList<>();
        if (inventory.os() != null) {
            ObjectNode os = components.addObject();
            os.put("bom-ref", "os");
            os.put("type", "operating-system");
            os.put("name", inventory.os().family().id());
            os.put("version", inventory.os().version());
            os.put("description", inventory.os().prettyName());
            refs.add("os");
        }
        Map<InstalledPackage, String> refOf = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (InstalledPackage pkg : inventory.packages()) {
            String ref = pkg.purl();
            for (int i = 2; !used.add(ref); i++) {
                ref = pkg.purl() + "#" + i;
            }
            refOf.put(pkg, ref);
            refs.add(ref);
            ObjectNode component = components.addObject();
            component.put("bom-ref", ref);
            component.put("type", "library");
            component.put("name", pkg.name());
            component.put("version", pkg.evr());
            component.put("purl", pkg.purl());
            if (!pkg.licenses().isEmpty()) {
                ArrayNode licenses = component.putArray("licenses");
                for (String license : pkg.licenses()) {
                    licenses.addObject().putObject("license").put("name", license);
                }
            }
            ArrayNode properties = component.putArray("properties");
            property(properties, "package:type", pkg.type().purlType());
            if (pkg.arch() != null) {
                property(properties, "package:arch", pkg.arch());
            }
            if (pkg.epoch() != null) {
                property(properties, "package:epoch", pkg.epoch().toString());
            }
            property(properties, "package:version", pkg.version());
            if (pkg.release() != null) {
                property(properties, "package:release", pkg.release());
            }
            if (pkg.sourceName() != null) {
                property(properties, "package:source", pkg.sourceName());
            }
            if (pkg.sourceVersion() != null) {
                property(properties, "package:sourceVersion", pkg.sourceVersion());
            }
            property(properties, "package:files", Integer.toString(pkg.files().size()));
        }
        ArrayNode dependencies = bom.putArray("dependencies");
        ObjectNode root = dependencies.addObject();
        root.put("ref", "target");
        ArrayNode dependsOn = root.putArray("dependsOn");
        refs.forEach(dependsOn::add);

        if (!vulnerabilities.isEmpty()) {
            ArrayNode out = bom.putArray("vulnerabilities");
            for (PackageVulnerability match : vulnerabilities) {
                ObjectNode vulnerability = out.addObject();
                vulnerability.put(
                        "bom-ref",
                        match.vulnerability().id() + "@"
                                + refOf.getOrDefault(match.pkg(), match.pkg().purl()));
                vulnerability.put("id", match.vulnerability().id());
                vulnerability.putObject("source").put("name", match.advisorySource());
                ArrayNode ratings = vulnerability.putArray("ratings");
                ObjectNode distro = ratings.addObject();
                distro.putObject("source").put("name", match.vulnerability().severitySource());
                distro.put("severity", severity(match.severity()));
                distro.put("method", "other");
                for (CvssScore score : match.vulnerability().cvss()) {
                    ObjectNode rating = ratings.addObject();
                    rating.putObject("source").put("name", score.source());
                    rating.put("score", score.baseScore());
                    rating.put("severity", severity(Severity.fromCvssScore(score.baseScore())));
                    rating.put(
                            "method",
                            switch (score.version()) {
                                case "4.0" -> "CVSSv4";
                                case "3.1" -> "CVSSv31";
                                case "3.0" -> "CVSSv3";
                                default -> "CVSSv2";
                            });
                    rating.put("vector", score.vector());
                }
                if (match.vulnerability().summary() != null) {
                    vulnerability.put("description", match.vulnerability().summary());
                }
                if (match.fixedVersion() != null) {
                    vulnerability.put(
                            "recommendation", "Upgrade " + match.pkg().name() + " to " + match.fixedVersion());
                }
                List<String> urls = match.vulnerability().references().stream()
                        .filter(reference -> reference.startsWith("http"))
                        .toList();
                if (!urls.isEmpty()) {
                    ArrayNode advisories = vulnerability.putArray("advisories");
                    urls.forEach(url -> advisories.addObject().put("url", url));
                }
                ArrayNode affects = vulnerability.putArray("affects");
                ObjectNode affected = affects.addObject();
                affected.put("ref", refOf.getOrDefault(match.pkg(), match.pkg().purl()));
                affected.putArray("versions")
                        .addObject()
                        .put("version", match.pkg().evr())
                        .put("status", "affected");
                ArrayNode properties = vulnerability.putArray("properties");
                property(properties, "fixState", match.fixState().name().toLowerCase(Locale.ROOT));
                property(properties, "advisoryId", match.advisoryId());
                if (match.fixedVersion() != null) {
                    property(properties, "fixedVersion", match.fixedVersion());
                }
                for (String alias : match.vulnerability().aliases()) {
                    property(properties, "alias", alias);
                }
            }
        }
        return bom;
    }

    private static String severity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "critical";
            case HIGH -> "high";
            case MEDIUM -> "medium";
            case LOW -> "low";
            case NEGLIGIBLE -> "info";
            case UNKNOWN -> "unknown";
        };
    }

    private static void property(ArrayNode properties, String name, String value) {
        ObjectNode property = properties.addObject();
        property.put("name", PREFIX + name);
        property.put("value", value);
    }

    /** Reads a CycloneDX JSON SBOM into an inventory; throws {@link InventoryException} naming the file. */
    public static Inventory read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InventoryException("SBOM " + file + " does not exist");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new InventoryException("SBOM " + file + " is " + size + " bytes, more than the " + MAX_BYTES
                    + " Vigil reads; is it really an SBOM?");
        }
        try (InputStream input = Files.newInputStream(file)) {
            return read(input, file.toString());
        }
    }

    public static Inventory read(InputStream input, String name) throws IOException {
        return read(input, name, false);
    }

    /**
     * Reads an SBOM; with {@code keepTarget}, the target kind and digest Vigil wrote into the metadata component are
     * kept (the server reading its agents' inventories), else the target is the SBOM itself.
     */
    public static Inventory read(InputStream input, String name, boolean keepTarget) throws IOException {
        try {
            return readTree(input, name, keepTarget);
        } catch (JacksonException e) {
            throw new InventoryException("SBOM " + name + " has an unexpected structure: " + e.getOriginalMessage());
        }
    }

    /**
     * Streams the document: each element of {@code components} and the {@code metadata} are read as small trees
     * (each at most {@link #MAX_NODES_PER_ELEMENT} nodes), everything else is skipped token by token, so memory
     * follows the packages kept, not the size or shape of the document.
     */
    private static Inventory readTree(InputStream input, String name, boolean keepTarget) throws IOException {
        Pieces pieces = new Pieces(name, keepTarget);
        try (JsonParser parser = READER.createParser(input)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InventoryException(
                        "SBOM " + name + " is not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "bomFormat" -> pieces.bomFormat(value == JsonToken.VALUE_STRING ? parser.getString() : "");
                    case "metadata" -> pieces.metadata(bounded(parser, name, "metadata"));
                    case "components" -> {
                        if (value != JsonToken.START_ARRAY) {
                            parser.skipChildren();
                            continue;
                        }
                        int index = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            index++;
                            if (index > MAX_COMPONENTS) {
                                throw new InventoryException("SBOM " + name + " has more than " + MAX_COMPONENTS
                                        + " components; Vigil reads SBOMs of real systems");
                            }
                            pieces.component(bounded(parser, name, "component " + index));
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new InventoryException(
                    "SBOM " + name + " is not valid JSON: " + e.getOriginalMessage() + " (Vigil reads CycloneDX JSON)");
        }
        return pieces.inventory();
    }

    /**
     * A CycloneDX document read piece by piece, keeping one component in memory at a time: the {@code bomFormat},
     * the {@code metadata} object and each element of {@code components}, in any order; then {@link #inventory()}.
     * Both streaming readers go through it (this class's and the server's intake), so both read the same way.
     */
    public static final class Pieces {
        private final String name;
        private final boolean keepTarget;
        private final List<String> warnings = new ArrayList<>();
        private final CappedWarnings capped;
        private final List<InstalledPackage> packages = new ArrayList<>();
        private @Nullable String bomFormat;
        private JsonNode metadata = MissingNode.getInstance();
        /** The last operating-system component that names a known OS. */
        private @Nullable OperatingSystem osComponent;
        /** The OS named by the first package purl with a distro qualifier, for SBOMs without an OS component. */
        private @Nullable OperatingSystem osOfPurls;

        private int index;

        public Pieces(String name, boolean keepTarget) {
            this.name = name;
            this.keepTarget = keepTarget;
            this.capped = new CappedWarnings(warnings, "SBOM " + name);
        }

        public void bomFormat(String value) {
            bomFormat = value;
        }

        public void metadata(JsonNode value) {
            metadata = value;
        }

        /** The packages read so far (components that are OS packages). */
        public int packages() {
            return packages.size();
        }

        public void component(JsonNode component) {
            index++;
            if ("operating-system".equals(component.path("type").asString(""))) {
                OperatingSystem os = operatingSystem(component);
                if (os != null) {
                    osComponent = os;
                }
            }
            String purl = component.path("purl").asString("");
            if (purl.isEmpty()) {
                return;
            }
            try {
                InstalledPackage pkg = fromComponent(component, purl);
                if (pkg != null) {
                    packages.add(pkg);
                    if (osOfPurls == null) {
                        osOfPurls = osFromPurl(purl);
                    }
                }
            } catch (RuntimeException e) {
                capped.add("SBOM " + name + " component " + index + " (" + purl + "): " + e.getMessage() + "; skipped");
            }
        }

        public Inventory inventory() throws InventoryException {
            if (!"CycloneDX".equals(bomFormat)) {
                throw new InventoryException(
                        "SBOM " + name + " is not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")");
            }
            capped.close();
            OperatingSystem os = osComponent != null ? osComponent : osOfPurls;
            OsSupport support = os == null
                    ? OsSupport.unknown("the SBOM " + name + " names no operating system (no operating-system"
                            + " component and no distro qualifier in its purls)")
                    : SupportTable.judge(os);
            List<String> notes = new ArrayList<>(warnings);
            String timestamp = metadata.path("timestamp").asString("");
            Instant created = Instant.now();
            try {
                if (!timestamp.isEmpty()) {
                    created = Instant.parse(timestamp);
                }
            } catch (RuntimeException e) {
                notes.add("SBOM " + name + ": unreadable metadata.timestamp '" + timestamp + "'");
            }
            String subject = metadata.path("component").path("name").asString(name);
            Target target = new Target(Target.Kind.SBOM, subject, null);
            if (keepTarget) {
                String kind = null;
                String digest = null;
                for (JsonNode property : metadata.path("component").path("properties")) {
                    String key = property.path("name").asString("");
                    if (key.equals(PREFIX + "target:kind")) {
                        kind = property.path("value").asString("");
                    } else if (key.equals(PREFIX + "target:digest")) {
                        digest = property.path("value").asString("");
                    }
                }
                for (Target.Kind candidate : Target.Kind.values()) {
                    if (candidate.name().toLowerCase(Locale.ROOT).equals(kind)) {
                        target = new Target(candidate, subject, digest);
                    }
                }
            }
            return new Inventory(target, os, support, packages, notes, created);
        }
    }

    private static @Nullable OperatingSystem operatingSystem(JsonNode component) {
        OsFamily family =
                OsDetector.familyOfId(component.path("name").asString("").toLowerCase(Locale.ROOT));
        String version = component.path("version").asString("");
        if (family == null || version.isEmpty()) {
            return null;
        }
        return new OperatingSystem(
                family, version, component.path("description").asString(family.displayName() + " " + version));
    }

    /** The value at the parser's current token as a tree of at most {@link #MAX_NODES_PER_ELEMENT} nodes. */
    private static JsonNode bounded(JsonParser parser, String name, String what) {
        int[] left = {MAX_NODES_PER_ELEMENT};
        return bounded(parser, left, name, what);
    }

    private static JsonNode bounded(JsonParser parser, int[] left, String name, String what) {
        if (--left[0] < 0) {
            throw new InventoryException("SBOM " + name + ": " + what + " has more than " + MAX_NODES_PER_ELEMENT
                    + " values; it is not a real SBOM entry");
        }
        JsonNodeFactory nodes = JSON.getNodeFactory();
        JsonToken token = parser.currentToken();
        if (token == null) {
            return MissingNode.getInstance();
        }
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String key = parser.currentName();
                    parser.nextToken();
                    object.set(key, bounded(parser, left, name, what));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(bounded(parser, left, name, what));
                }
                yield array;
            }
            case VALUE_STRING -> nodes.textNode(parser.getString());
            case VALUE_NUMBER_INT -> nodes.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            default -> nodes.nullNode();
        };
    }

    private static @Nullable InstalledPackage fromComponent(JsonNode component, String purlText) {
        com.github.packageurl.PackageURL purl;
        try {
            purl = new com.github.packageurl.PackageURL(purlText);
        } catch (com.github.packageurl.MalformedPackageURLException e) {
            throw new IllegalArgumentException("malformed purl: " + e.getMessage());
        }
        PackageType type;
        try {
            type = PackageType.fromPurlType(purl.getType());
        } catch (IllegalArgumentException e) {
            return null; // a language package: not an OS package Vigil matches yet
        }
        Map<String, String> properties = new TreeMap<>();
        for (JsonNode property : component.path("properties")) {
            properties.put(
                    property.path("name").asString(""), property.path("value").asString(""));
        }
        Map<String, String> qualifiers = purl.getQualifiers() == null ? Map.of() : purl.getQualifiers();
        String version = purl.getVersion() == null ? "" : purl.getVersion();
        if (version.isEmpty()) {
            throw new IllegalArgumentException("no version");
        }
        Integer epoch = null;
        String release = null;
        String epochText = properties.getOrDefault(PREFIX + "package:epoch", qualifiers.get("epoch"));
        if (type == PackageType.DEB && version.contains(":")) {
            epochText = version.substring(0, version.indexOf(':'));
            version = version.substring(version.indexOf(':') + 1);
        }
        if (epochText != null && !epochText.isEmpty()) {
            epoch = Integer.parseInt(epochText);
        }
        if (type != PackageType.APK) {
            int dash = version.lastIndexOf('-');
            if (dash > 0) {
                release = version.substring(dash + 1);
                version = version.substring(0, dash);
            }
        }
        String arch = qualifiers.get("arch");
        String sourceName =
                properties.getOrDefault(PREFIX + "package:source", properties.get("aquasecurity:trivy:SrcName"));
        String sourceVersion = properties.get(PREFIX + "package:sourceVersion");
        if (sourceVersion == null && properties.containsKey("aquasecurity:trivy:SrcVersion")) {
            String srcEpoch = properties.getOrDefault("aquasecurity:trivy:SrcEpoch", "0");
            String srcRelease = properties.getOrDefault("aquasecurity:trivy:SrcRelease", "");
            sourceVersion = (srcEpoch.equals("0") ? "" : srcEpoch + ":")
                    + properties.get("aquasecurity:trivy:SrcVersion")
                    + (srcRelease.isEmpty() ? "" : "-" + srcRelease);
        }
        List<String> licenses = new ArrayList<>();
        for (JsonNode license : component.path("licenses")) {
            String text = license.path("license")
                    .path("id")
                    .asString(license.path("license")
                            .path("name")
                            .asString(license.path("expression").asString("")));
            if (!text.isEmpty()) {
                licenses.add(text);
            }
        }
        return new InstalledPackage(
                type,
                purl.getName(),
                epoch,
                version,
                release,
                arch,
                sourceName,
                sourceVersion,
                licenses,
                List.of(),
                purlText);
    }

    /** The OS named by a purl's {@code distro} qualifier ({@code debian-12}, {@code alpine-3.19.1}). */
    static @Nullable OperatingSystem osFromPurl(String purlText) {
        try {
            com.github.packageurl.PackageURL purl = new com.github.packageurl.PackageURL(purlText);
            String distro =
                    purl.getQualifiers() == null ? null : purl.getQualifiers().get("distro");
            if (distro == null) {
                return null;
            }
            int dash = distro.indexOf('-');
            String id = dash > 0 ? distro.substring(0, dash) : purl.getNamespace();
            String version = dash > 0 ? distro.substring(dash + 1) : distro;
            OsFamily family = OsDetector.familyOfId(id == null ? "" : id.toLowerCase(Locale.ROOT));
            if (family == null && purl.getNamespace() != null) {
                family = OsDetector.familyOfId(purl.getNamespace().toLowerCase(Locale.ROOT));
            }
            return family == null || version.isEmpty()
                    ? null
                    : new OperatingSystem(family, version, family.displayName() + " " + version);
        } catch (com.github.packageurl.MalformedPackageURLException e) {
            return null;
        }
    }
}
