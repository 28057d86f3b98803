package vigil.server.intake;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.InventoryException;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.spi.intake.IntakeException;

/**
 * Reads one batch as a stream of JSON tokens, never as one tree: only one component (or the agent object, or an
 * inventory's metadata) is a tree at any time, each bounded, and the inventories are kept as packages. Every limit
 * (ADR 0015) is checked while reading, so a body that breaks one costs what was read up to it, whatever comes after:
 * memory per batch is bounded by the limits, not by the body. Untrusted input: fuzzed by IntakeFuzzTest.
 */
final class BatchReader {
    /** Decompressed bytes of one batch. A host batch is about 1 MiB, the largest images' a few MiB. */
    static final long MAX_DECOMPRESSED = vigil.spi.intake.IntakeLimits.MAX_BATCH_BYTES;
    /** Nesting of objects and arrays; Vigil's batches nest 8 deep. */
    static final int MAX_DEPTH = 32;
    /** Characters of one string value (a purl, a fact, a capability's reason). */
    static final int MAX_STRING = 1 << 20;
    /** Characters of one property name. */
    static final int MAX_NAME = 1024;
    /** Digits of one number. */
    static final int MAX_NUMBER = 64;
    /** Elements of one array (a real host has about 750 packages, the largest images a few thousand). */
    static final int MAX_ARRAY = 100_000;
    /** JSON tokens of the whole batch (about 70 per package as the agent writes them). */
    static final long MAX_TOKENS = 5_000_000;
    /** Inventories of one batch (an agent sends its host's, {@code vigil scan --send-to} one image). */
    static final int MAX_INVENTORIES = 64;
    /** Components of all the batch's inventories together. */
    static final int MAX_COMPONENTS = 100_000;
    /** Tokens of one object held as a tree: a component, an inventory's metadata, the agent with its facts. */
    static final int MAX_TREE_TOKENS = 50_000;
    /**
     * JSON values of all the batch's sections other than inventories together, each held as a tree for the wing that
     * claims it (ADR 0046): a section of 1,000 signals is about 200,000, one with every field at its limit 700,000.
     */
    static final int MAX_SECTION_VALUES = 1_000_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    // our own depth check answers first; this is the parser's backstop
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .maxStringLength(MAX_STRING)
                    .maxNameLength(MAX_NAME)
                    .maxNumberLength(MAX_NUMBER)
                    .maxTokenCount(MAX_TOKENS + 1)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The top-level parts of a batch as read; checking their values is {@link Intake}'s. {@code source} is missing in
     * a version 1 batch (its agent is its source); a version 2 batch's inventory sections are its inventories.
     */
    record Parts(
            JsonNode batchId,
            JsonNode source,
            JsonNode agent,
            List<Inventory> inventories,
            List<Intake.Section> sections,
            long decompressedBytes) {}

    /**
     * The section types a batch may carry (ADR 0030). An {@code inventory} section is read as its packages; any other
     * is kept as a bounded tree for the wing that claims its type (ADR 0046).
     */
    static final java.util.Set<String> SECTION_TYPES = java.util.Arrays.stream(vigil.model.batch.SectionType.values())
            .map(vigil.model.batch.SectionType::wire)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JsonParser parser;
    private long tokens;
    private long sectionValues;
    private int components;
    private @Nullable String batchId;

    private BatchReader(JsonParser parser) {
        this.parser = parser;
    }

    static Parts read(byte[] body, boolean gzip) throws IntakeException {
        try (Limited in = new Limited(
                        gzip ? new GZIPInputStream(new ByteArrayInputStream(body)) : new ByteArrayInputStream(body));
                JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), in)) {
            return new BatchReader(parser).batch(in);
        } catch (TooLarge e) {
            throw tooLarge();
        } catch (StreamConstraintsException e) {
            throw new IntakeException(
                    413,
                    "the batch has a value beyond Vigil's limits (" + e.getOriginalMessage() + "); strings are limited"
                            + " to " + MAX_STRING + " characters, names to " + MAX_NAME + ", numbers to " + MAX_NUMBER
                            + " digits: the Vigil agent never sends such values, check what made this batch");
        } catch (JacksonException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw tooLarge(); // the parser wraps what the stream threw
            }
            if (cause instanceof IOException io) {
                throw new IntakeException(400, "the batch cannot be decompressed: " + io.getMessage());
            }
            throw new IntakeException(400, "the batch is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IntakeException(400, "the batch cannot be decompressed: " + e.getMessage());
        }
    }

    private Parts batch(Limited in) throws IntakeException {
        if (next() != JsonToken.START_OBJECT) {
            throw new IntakeException(400, "a batch is a JSON object");
        }
        JsonNode id = NODES.missingNode();
        JsonNode agent = NODES.missingNode();
        JsonNode source = NODES.missingNode();
        List<Inventory> inventories = new ArrayList<>();
        List<Intake.Section> others = new ArrayList<>();
        boolean sawInventories = false;
        boolean sawSections = false;
        for (JsonToken token = next(); token == JsonToken.PROPERTY_NAME; token = next()) {
            String name = parser.currentName();
            JsonToken value = next();
            switch (name) {
                case "batchId" -> {
                    id = tree(value, "batchId");
                    batchId = id.isString() ? id.asString() : null;
                }
                case "agent" -> agent = tree(value, "agent");
                case "source" -> source = tree(value, "source");
                case "inventories" -> {
                    if (sawInventories || sawSections) {
                        throw twoBodies();
                    }
                    sawInventories = true;
                    inventories(value, inventories);
                }
                case "sections" -> {
                    if (sawInventories || sawSections) {
                        throw twoBodies();
                    }
                    sawSections = true;
                    sections(value, inventories, others);
                }
                default -> skip(value);
            }
        }
        if (parser.nextToken() != null) {
            throw new IntakeException(400, "the batch has content after its JSON object");
        }
        return new Parts(id, source, agent, inventories, others, in.read);
    }

    private static IntakeException twoBodies() {
        return new IntakeException(
                400,
                "the batch has \"inventories\" or \"sections\" twice, or both: send one array, \"sections\" (version 2)"
                        + " or \"inventories\" (version 1)");
    }

    /**
     * Version 2: {@code [{"type": "inventory", "cyclonedx": {...}}, {"type": "signals", ...}, ...]}. An inventory
     * section is read as its packages; a section of another known type is kept whole as a tree, within
     * {@link #MAX_SECTION_VALUES}, for the wing that claims it (a type no wing claims is refused by {@link Intake} with
     * 422 naming it); an unknown type is malformed.
     */
    private void sections(JsonToken token, List<Inventory> into, List<Intake.Section> others) throws IntakeException {
        if (token != JsonToken.START_ARRAY) {
            throw new IntakeException(400, "\"sections\" must be an array of {\"type\": ..., ...} objects");
        }
        String inventoryType = vigil.model.batch.SectionType.INVENTORY.wire();
        int count = 0;
        for (JsonToken element = next(); element != JsonToken.END_ARRAY; element = next()) {
            element(++count, "sections");
            int index = count - 1;
            if (element != JsonToken.START_OBJECT) {
                throw new IntakeException(400, "section " + index + " of the batch is not a JSON object");
            }
            String type = null;
            boolean inventory = false;
            ObjectNode body = NODES.objectNode();
            for (JsonToken field = next(); field == JsonToken.PROPERTY_NAME; field = next()) {
                String property = parser.currentName();
                JsonToken value = next();
                switch (property) {
                    case "type" -> {
                        JsonNode named = tree(value, "section type");
                        type = named.isString() ? named.asString() : "(not a string)";
                    }
                    case "cyclonedx" -> {
                        if (type != null && !type.equals(inventoryType)) {
                            throw onlyInventories(index, type);
                        }
                        if (inventory) {
                            throw new IntakeException(400, "section " + index + " has two \"cyclonedx\" documents");
                        }
                        if (into.size() >= MAX_INVENTORIES) {
                            throw tooManyInventories();
                        }
                        inventory = true;
                        into.add(inventory(value, into.size()));
                    }
                    default -> {
                        if (inventoryType.equals(type)) {
                            skip(value); // an inventory section's other fields were never read
                        } else {
                            body.set(property, held(value, index, type));
                        }
                    }
                }
            }
            if (type == null || !SECTION_TYPES.contains(type)) {
                throw new IntakeException(
                        400,
                        "section " + index + " of the batch has "
                                + (type == null ? "no \"type\"" : "type '" + type + "'")
                                + "; a section's type is one of " + new java.util.TreeSet<>(SECTION_TYPES));
            }
            if (!type.equals(inventoryType)) {
                if (inventory) {
                    throw onlyInventories(index, type);
                }
                body.put("type", type);
                others.add(new Intake.Section(index, type, body));
                continue;
            }
            if (!inventory) {
                throw new IntakeException(
                        400, "inventory section " + index + " has no \"cyclonedx\" document; put the SBOM there");
            }
        }
    }

    private static IntakeException onlyInventories(int index, String type) {
        return new IntakeException(
                400,
                "section " + index + " is a '" + type + "' section with a \"cyclonedx\" document; only inventory"
                        + " sections carry one");
    }

    /** A value of a section kept for its wing, charged to {@link #MAX_SECTION_VALUES}. */
    private JsonNode held(JsonToken token, int index, @Nullable String type) throws IntakeException {
        long start = tokens;
        JsonNode value = value(
                token,
                start,
                MAX_SECTION_VALUES - sectionValues,
                "section " + index + (type == null ? "" : " ('" + type + "')"),
                "the limit for the sections of a batch other than inventories; send fewer per batch");
        sectionValues += tokens - start;
        if (sectionValues > MAX_SECTION_VALUES) {
            throw sectionsTooLarge(index, type);
        }
        return value;
    }

    private static IntakeException sectionsTooLarge(int index, @Nullable String type) {
        return new IntakeException(
                413,
                "section " + index + (type == null ? "" : " ('" + type + "')") + " takes the batch's sections past "
                        + MAX_SECTION_VALUES + " JSON values, the limit for the sections of a batch other than"
                        + " inventories; send fewer per batch");
    }

    private static IntakeException tooManyInventories() {
        return new IntakeException(
                413,
                "the batch has more than " + MAX_INVENTORIES
                        + " inventories, the limit per batch; send them in several batches");
    }

    private void inventories(JsonToken token, List<Inventory> into) throws IntakeException {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            throw new IntakeException(400, "\"inventories\" must be an array of CycloneDX documents");
        }
        for (JsonToken element = next(); element != JsonToken.END_ARRAY; element = next()) {
            if (into.size() >= MAX_INVENTORIES) {
                throw tooManyInventories();
            }
            into.add(inventory(element, into.size()));
        }
    }

    private Inventory inventory(JsonToken token, int index) throws IntakeException {
        String name = "inventory " + index + " of batch " + (batchId == null ? "(batchId not read yet)" : batchId);
        if (token != JsonToken.START_OBJECT) {
            throw new IntakeException(400, "SBOM " + name + " is not a CycloneDX document (not a JSON object)");
        }
        CycloneDx.Pieces pieces = new CycloneDx.Pieces(name, true);
        for (JsonToken field = next(); field == JsonToken.PROPERTY_NAME; field = next()) {
            String property = parser.currentName();
            JsonToken value = next();
            switch (property) {
                case "bomFormat" ->
                    pieces.bomFormat(tree(value, name + " bomFormat").asString(""));
                case "metadata" -> pieces.metadata(tree(value, name + " metadata"));
                case "components" -> components(value, pieces, name);
                default -> skip(value);
            }
        }
        try {
            return pieces.inventory();
        } catch (InventoryException e) {
            throw new IntakeException(400, String.valueOf(e.getMessage()));
        }
    }

    private void components(JsonToken token, CycloneDx.Pieces pieces, String inventory) throws IntakeException {
        if (token != JsonToken.START_ARRAY) {
            skip(token);
            return;
        }
        int count = 0;
        for (JsonToken element = next(); element != JsonToken.END_ARRAY; element = next()) {
            element(++count, inventory + " components");
            if (++components > MAX_COMPONENTS) {
                throw new IntakeException(
                        413,
                        "the batch has more than " + MAX_COMPONENTS + " components in all its inventories, the limit"
                                + " per batch; send the inventories in several batches");
            }
            pieces.component(tree(element, inventory + " component " + count));
        }
    }

    /** Reads a value (already at its first token) as a tree of at most {@link #MAX_TREE_TOKENS} tokens. */
    private JsonNode tree(JsonToken token, String what) throws IntakeException {
        return value(
                token,
                tokens,
                MAX_TREE_TOKENS,
                what,
                "the limit for one object of a batch; the Vigil agent never sends such an object, check what made this"
                        + " batch");
    }

    private JsonNode value(JsonToken token, long start, long limit, String what, String why) throws IntakeException {
        if (tokens - start > limit) {
            throw new IntakeException(413, what + " has more than " + limit + " JSON values, " + why);
        }
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken field = next(); field == JsonToken.PROPERTY_NAME; field = next()) {
                    String name = parser.currentName();
                    object.set(name, value(next(), start, limit, what, why));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int count = 0;
                for (JsonToken element = next(); element != JsonToken.END_ARRAY; element = next()) {
                    element(++count, what);
                    array.add(value(element, start, limit, what, why));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IntakeException(400, "the batch is not valid JSON: unexpected " + token);
        };
    }

    /** Passes over a value (already at its first token) without keeping it, still counting and checking. */
    private void skip(JsonToken token) throws IntakeException {
        if (token == JsonToken.START_OBJECT) {
            for (JsonToken field = next(); field == JsonToken.PROPERTY_NAME; field = next()) {
                skip(next());
            }
        } else if (token == JsonToken.START_ARRAY) {
            int count = 0;
            for (JsonToken element = next(); element != JsonToken.END_ARRAY; element = next()) {
                element(++count, "an array of the batch");
                skip(element);
            }
        }
    }

    private static void element(int count, String what) throws IntakeException {
        if (count > MAX_ARRAY) {
            throw new IntakeException(
                    413,
                    what + " has more than " + MAX_ARRAY + " elements, the limit for one array of a batch; send the"
                            + " inventories in several batches");
        }
    }

    /** The next token, counted, with the depth checked; the end of the input inside the batch is malformed. */
    private JsonToken next() throws IntakeException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new IntakeException(400, "the batch is not valid JSON: it ends before its object is closed");
        }
        if (++tokens > MAX_TOKENS) {
            throw new IntakeException(
                    413,
                    "the batch has more than " + MAX_TOKENS + " JSON values, the limit per batch; send the inventories"
                            + " in several batches");
        }
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
                && parser.streamReadContext().getNestingDepth() > MAX_DEPTH) {
            throw new IntakeException(
                    400,
                    "the batch nests objects and arrays more than " + MAX_DEPTH + " deep, the limit; a batch of the"
                            + " Vigil agent nests 8 deep, check what made this batch");
        }
        return token;
    }

    static IntakeException tooLarge() {
        return new IntakeException(
                413,
                "the batch is larger than " + (MAX_DECOMPRESSED >> 20) + " MiB once decompressed, the limit per batch;"
                        + " send fewer inventories per batch");
    }

    /** The decompressed bytes, counted and refused beyond {@link #MAX_DECOMPRESSED}. */
    private static final class Limited extends FilterInputStream {
        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++read > MAX_DECOMPRESSED) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (read += n) > MAX_DECOMPRESSED) {
                throw new TooLarge();
            }
            return n;
        }
    }

    /** The decompressed body passed {@link #MAX_DECOMPRESSED}. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("the batch is larger than " + MAX_DECOMPRESSED + " bytes once decompressed");
        }
    }
}
