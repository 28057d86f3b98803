package vigil.posture.checks.host;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The SCAP Security Guide's OVAL file cut down to some definitions and everything they use (the definitions they
 * extend, their tests, objects, states and variables), so one {@code oscap oval eval} evaluates exactly those in a
 * second instead of parsing all 1.4 MB once per definition.
 */
final class OvalSubset {
    private OvalSubset() {}

    static void write(Path source, Collection<String> definitionIds, Path target) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        Document document = factory.newDocumentBuilder().parse(source.toFile());
        Map<String, Element> byId = new HashMap<>();
        index(document.getDocumentElement(), byId);
        Set<String> keep = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(definitionIds);
        while (!pending.isEmpty()) {
            String id = pending.pop();
            Element element = byId.get(id);
            if (element == null || !keep.add(id)) {
                continue;
            }
            references(element, pending, byId.keySet());
        }
        for (String section : List.of("definitions", "tests", "objects", "states", "variables")) {
            NodeList sections = document.getElementsByTagNameNS("*", section);
            for (int i = 0; i < sections.getLength(); i++) {
                Node parent = sections.item(i);
                if (parent.getParentNode() != document.getDocumentElement()) {
                    continue;
                }
                for (Node child = parent.getFirstChild(); child != null; ) {
                    Node next = child.getNextSibling();
                    if (child instanceof Element element && !keep.contains(element.getAttribute("id"))) {
                        parent.removeChild(child);
                    }
                    child = next;
                }
            }
        }
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.INDENT, "no");
        transformer.transform(new DOMSource(document), new StreamResult(target.toFile()));
    }

    private static void index(Element element, Map<String, Element> byId) {
        String id = element.getAttribute("id");
        if (id.startsWith("oval:")) {
            byId.putIfAbsent(id, element);
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element inner) {
                index(inner, byId);
            }
        }
    }

    /** Every id an element names: in {@code *_ref} attributes, and as the text of filters and object references. */
    private static void references(Element element, Deque<String> pending, Set<String> known) {
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            if (attribute.getNodeName().endsWith("_ref")
                    || attribute.getNodeName().equals("var_ref")) {
                pending.push(attribute.getNodeValue());
            }
        }
        String text =
                element.getTextContent() == null ? "" : element.getTextContent().strip();
        if (element.getFirstChild() != null
                && element.getFirstChild() == element.getLastChild()
                && known.contains(text)) {
            pending.push(text);
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element inner) {
                references(inner, pending, known);
            }
        }
    }
}
