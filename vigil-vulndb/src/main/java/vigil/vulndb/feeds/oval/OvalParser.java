package vigil.vulndb.feeds.oval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFeedParser;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.feeds.Feeds;

/**
 * OVAL patch definitions of Oracle Linux ({@code com.oracle.elsa-*.xml}) and Red Hat, streamed with StAX (the
 * Oracle file is hundreds of MiB) with DTDs and external entities disabled. Each definition's criteria name the
 * release ({@code Oracle Linux 8 is installed}) and the fixed packages ({@code openssl is earlier than
 * 1:1.1.1k-7.el8}); Ksplice variants are skipped, as they patch the running kernel only.
 */
public final class OvalParser implements AdvisoryFeedParser {
    private static final Pattern RELEASE =
            Pattern.compile("^(Oracle Linux|Red Hat Enterprise Linux) (\\d+) is installed$");
    private static final Pattern EARLIER = Pattern.compile("^(\\S+) is earlier than (\\S+)$");

    @Override
    public String name() {
        return "oval";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        String text = new String(head, StandardCharsets.UTF_8);
        return text.contains("oval_definitions")
                && (text.contains("oval") || fileName.toLowerCase(Locale.ROOT).contains("oval"));
    }

    @Override
    public long maxDocumentBytes() {
        return 4L << 30; // streamed: the whole Oracle feed is large, memory stays bounded
    }

    @Override
    public List<String> downloadPaths() {
        return List.of("com.oracle.elsa-all.xml.bz2");
    }

    @Override
    public String defaultBaseUrl() {
        return "https://linux.oracle.com/security/oval/";
    }

    /** Longest text or attribute value read; OVAL descriptions are a few kilobytes. */
    static final int MAX_TEXT = 1 << 20;

    /** An element's text, refused past {@link #MAX_TEXT} (the reader hands it over in chunks of about 16 KiB). */
    private static String text(XMLStreamReader reader, String fileName) throws XMLStreamException {
        StringBuilder text = new StringBuilder();
        int event;
        while ((event = reader.next()) != XMLStreamConstants.END_ELEMENT) {
            if (event == XMLStreamConstants.CHARACTERS
                    || event == XMLStreamConstants.CDATA
                    || event == XMLStreamConstants.SPACE) {
                text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                if (text.length() > MAX_TEXT) {
                    throw new AdvisoryFormatException(
                            fileName + " has an element text longer than " + MAX_TEXT + " characters; refusing it");
                }
            } else if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
                throw new AdvisoryFormatException(fileName + " has markup inside a text element");
            }
        }
        return text.toString().strip();
    }

    /**
     * Refuses a run of more than {@link #MAX_TEXT} bytes without {@code <} or {@code >}: a giant attribute value or
     * text node the XML reader would otherwise buffer whole before Vigil sees it.
     */
    private static final class MarkupRuns extends java.io.FilterInputStream {
        private final String fileName;
        private long run;

        MarkupRuns(InputStream input, String fileName) {
            super(input);
            this.fileName = fileName;
        }

        private void scan(byte[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                byte b = buffer[i];
                run = b == '<' || b == '>' ? 0 : run + 1;
                if (run > MAX_TEXT) {
                    throw new AdvisoryFormatException(fileName + " has more than " + MAX_TEXT
                            + " bytes of text or attribute without markup; refusing it");
                }
            }
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                scan(new byte[] {(byte) value}, 0, 1);
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                scan(buffer, offset, read);
            }
            return read;
        }
    }

    static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        // Belt and braces: even if a DTD slipped through, nothing external is fetched.
        factory.setProperty(javax.xml.XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(javax.xml.XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resource " + systemId + " refused");
        });
        return factory;
    }

    /** The definition being read. */
    private static final class Definition {
        String id = "";
        String title = "";
        String severity = "";

        @Nullable
        Instant issued;

        @Nullable
        Instant updated;

        final List<String> cves = new ArrayList<>();
        final List<String> references = new ArrayList<>();
        final List<AffectedPackage> affected = new ArrayList<>();

        @Nullable
        String release;

        @Nullable
        String product;
    }

    @Override
    public void parse(String fileName, InputStream input, Consumer<Advisory> sink, List<String> warnings)
            throws IOException {
        try {
            XMLStreamReader reader = secureFactory().createXMLStreamReader(new MarkupRuns(input, fileName), "UTF-8");
            Definition current = null;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new AdvisoryFormatException(fileName + " declares a DTD; OVAL feeds never do, refusing it");
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String element = reader.getLocalName();
                    switch (element) {
                        case "definition" -> {
                            current = new Definition();
                            current.id = attribute(reader, "id");
                        }
                        case "title" -> {
                            if (current != null) {
                                current.title = text(reader, fileName);
                            }
                        }
                        case "severity" -> {
                            if (current != null) {
                                current.severity = text(reader, fileName);
                            }
                        }
                        case "issued" -> {
                            if (current != null) {
                                current.issued = date(attribute(reader, "date"));
                            }
                        }
                        case "updated" -> {
                            if (current != null) {
                                current.updated = date(attribute(reader, "date"));
                            }
                        }
                        case "reference" -> {
                            if (current != null) {
                                String source = attribute(reader, "source");
                                String refId = attribute(reader, "ref_id");
                                String url = attribute(reader, "ref_url");
                                if (source.equalsIgnoreCase("CVE") && !current.cves.contains(refId)) {
                                    current.cves.add(refId);
                                } else if (source.equalsIgnoreCase("elsa") || source.equalsIgnoreCase("RHSA")) {
                                    current.id = refId;
                                }
                                if (!url.isEmpty()) {
                                    current.references.add(url);
                                }
                            }
                        }
                        case "cve" -> {
                            if (current != null) {
                                String cve = text(reader, fileName);
                                if (cve.startsWith("CVE-") && !current.cves.contains(cve)) {
                                    current.cves.add(cve);
                                }
                            }
                        }
                        case "criterion" -> {
                            if (current != null) {
                                criterion(current, attribute(reader, "comment"));
                            }
                        }
                        default -> {}
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT
                        && reader.getLocalName().equals("definition")
                        && current != null) {
                    finish(fileName, current, sink, warnings);
                    current = null;
                }
            }
        } catch (XMLStreamException e) {
            throw new AdvisoryFormatException(fileName + " is not well-formed OVAL XML: " + e.getMessage());
        }
    }

    private static void criterion(Definition definition, String comment) {
        Matcher release = RELEASE.matcher(comment);
        if (release.matches()) {
            definition.product = release.group(1);
            definition.release = release.group(2);
            return;
        }
        Matcher earlier = EARLIER.matcher(comment);
        if (earlier.matches() && definition.release != null && definition.product != null) {
            String version = earlier.group(2);
            if (version.contains("ksplice") || earlier.group(1).contains("ksplice")) {
                return;
            }
            String ecosystem =
                    (definition.product.equals("Oracle Linux") ? "Oracle Linux:" : "Red Hat:") + definition.release;
            definition.affected.add(Feeds.fixed(
                    ecosystem, earlier.group(1), version.startsWith("0:") ? version.substring(2) : version));
        }
    }

    private static void finish(String fileName, Definition definition, Consumer<Advisory> sink, List<String> warnings) {
        if (definition.affected.isEmpty()) {
            return; // inventory or compliance definitions carry no fixed packages
        }
        String id = definition.id.startsWith("oval:") ? definition.title.split(":")[0].strip() : definition.id;
        if (id.isEmpty()) {
            warnings.add(fileName + ": OVAL definition without an advisory id; skipped");
            return;
        }
        Severity severity = Feeds.severity(definition.severity);
        String vendor = id.startsWith("ELSA") ? "oracle" : "redhat";
        sink.accept(new Advisory(
                id,
                definition.cves,
                id.startsWith("ELSA") ? "elsa" : "oval",
                definition.title,
                severity,
                severity == Severity.UNKNOWN ? "none" : vendor,
                List.of(),
                definition.references,
                definition.issued,
                definition.updated,
                Feeds.merge(definition.affected)));
    }

    private static String attribute(XMLStreamReader reader, String name) {
        String value = reader.getAttributeValue(null, name);
        return value == null ? "" : value;
    }

    private static @Nullable Instant date(String text) {
        try {
            return text.length() >= 10
                    ? LocalDate.parse(text.substring(0, 10))
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant()
                    : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
