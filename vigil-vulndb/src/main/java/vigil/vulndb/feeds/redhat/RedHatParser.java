package vigil.vulndb.feeds.redhat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.CvssScore;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFeedParser;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.CvssVectors;
import vigil.vulndb.feeds.Feeds;
import vigil.vulndb.feeds.Nevra;

/**
 * Red Hat's security data for RHEL and CentOS (which ships Red Hat's sources), in two shapes: the per-CVE JSON of
 * the security data API ({@code affected_release} = fixed packages, {@code package_state} = "Affected", "Will not
 * fix", "Out of support scope", "Fix deferred"), and CSAF advisories (RHSA) whose fixed product ids name the
 * packages. Only main streams count ({@code cpe:/o:redhat:enterprise_linux:8}); EUS, AUS, TUS and E4S streams have
 * fixes of their own and are skipped.
 */
public final class RedHatParser implements AdvisoryFeedParser {
    private static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;
    private static final Pattern MAIN_STREAM = Pattern.compile("^cpe:/[ao]:redhat:enterprise_linux:(\\d+)(?::.*)?$");

    @Override
    public String name() {
        return "redhat";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        String text = new String(head, StandardCharsets.UTF_8);
        boolean cveJson = text.contains("\"threat_severity\"")
                || text.contains("\"affected_release\"")
                || text.contains("\"package_state\"");
        boolean csaf = text.contains("\"csaf_version\"")
                || (text.contains("\"csaf\"") && text.contains("\"product_tree\""))
                || (text.contains("\"document\"") && text.contains("RHSA"));
        return text.stripLeading().startsWith("{") && (cveJson || csaf);
    }

    @Override
    public void parse(String fileName, InputStream input, Consumer<Advisory> sink, List<String> warnings)
            throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(input);
        } catch (JacksonException e) {
            throw new AdvisoryFormatException(fileName + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AdvisoryFormatException(fileName + " is not a Red Hat security data document");
        }
        Optional<Advisory> advisory;
        try {
            advisory = root.has("document") ? fromCsaf(fileName, root, warnings) : fromCve(fileName, root, warnings);
        } catch (JacksonException e) {
            throw new AdvisoryFormatException(fileName + " has an unexpected structure: " + e.getOriginalMessage());
        }
        advisory.ifPresent(sink);
    }

    private static @Nullable String mainStream(String cpe) {
        Matcher matcher = MAIN_STREAM.matcher(cpe);
        return matcher.matches() ? matcher.group(1) : null;
    }

    static FixState fixState(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "will not fix", "out of support scope" -> FixState.WONT_FIX;
            case "affected", "fix deferred", "under investigation" -> FixState.NOT_FIXED;
            default -> FixState.UNKNOWN;
        };
    }

    private static Optional<Advisory> fromCve(String fileName, JsonNode root, List<String> warnings) {
        String id = root.path("name").asString("");
        if (id.isEmpty()) {
            Matcher matcher =
                    Pattern.compile("CVE-\\d{4}-\\d+", Pattern.CASE_INSENSITIVE).matcher(fileName);
            id = matcher.find() ? matcher.group().toUpperCase(Locale.ROOT) : "";
        }
        if (id.isEmpty()) {
            warnings.add(fileName + ": Red Hat CVE record without a name; skipped");
            return Optional.empty();
        }
        List<AffectedPackage> affected = new ArrayList<>();
        for (JsonNode release : root.path("affected_release")) {
            String stream = mainStream(release.path("cpe").asString(""));
            Optional<Nevra> nevra = Nevra.parse(release.path("package").asString(""), false);
            if (stream != null && nevra.isPresent()) {
                affected.add(Feeds.fixed(
                        "Red Hat:" + stream, nevra.get().name(), nevra.get().evr()));
            }
        }
        for (JsonNode state : root.path("package_state")) {
            String stream = mainStream(state.path("cpe").asString(""));
            String name = state.path("package_name").asString("");
            FixState fix = fixState(state.path("fix_state").asString(""));
            if (stream == null
                    || name.isEmpty()
                    || name.contains("/")
                    || name.contains(":")
                    || fix == FixState.UNKNOWN) {
                continue; // modules and flatpaks name no installable rpm; "Not affected" needs no entry
            }
            affected.add(Feeds.unfixed("Red Hat:" + stream, name, fix));
        }
        if (affected.isEmpty()) {
            return Optional.empty();
        }
        List<CvssScore> cvss = new ArrayList<>();
        String vector = root.path("cvss3").path("cvss3_scoring_vector").asString("");
        if (!vector.isEmpty()) {
            CvssVectors.score(vector, "redhat").ifPresent(cvss::add);
        }
        Severity severity = Feeds.severity(root.path("threat_severity").asString(""));
        String details = root.path("details").isArray() && !root.path("details").isEmpty()
                ? root.path("details").get(root.path("details").size() - 1).asString("")
                : root.path("details").asString("");
        return Optional.of(new Advisory(
                id,
                List.of(),
                "redhat",
                details.isEmpty() ? null : abbreviate(details),
                severity,
                severity == Severity.UNKNOWN ? "none" : "redhat",
                cvss,
                List.of("https://access.redhat.com/security/cve/" + id),
                instant(root.path("public_date").asString("")),
                null,
                Feeds.merge(affected)));
    }

    private static Optional<Advisory> fromCsaf(String fileName, JsonNode root, List<String> warnings) {
        JsonNode document = root.path("document");
        String id = document.path("tracking").path("id").asString("");
        if (id.isEmpty()) {
            warnings.add(fileName + ": CSAF document without a tracking id; skipped");
            return Optional.empty();
        }
        Map<String, String> streamOfProduct = new HashMap<>();
        collectProducts(root.path("product_tree"), streamOfProduct);
        List<AffectedPackage> affected = new ArrayList<>();
        List<String> cves = new ArrayList<>();
        List<CvssScore> cvss = new ArrayList<>();
        for (JsonNode vulnerability : root.path("vulnerabilities")) {
            String cve = vulnerability.path("cve").asString("");
            if (!cve.isEmpty() && !cves.contains(cve)) {
                cves.add(cve);
            }
            for (JsonNode score : vulnerability.path("scores")) {
                String vector = score.path("cvss_v3").path("vectorString").asString("");
                if (!vector.isEmpty()) {
                    CvssVectors.score(vector, "redhat").ifPresent(value -> {
                        if (!cvss.contains(value)) {
                            cvss.add(value);
                        }
                    });
                }
            }
            for (JsonNode fixed : vulnerability.path("product_status").path("fixed")) {
                String productId = fixed.asString("");
                int colon = productId.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String stream = streamOfProduct.get(productId.substring(0, colon));
                Optional<Nevra> nevra = Nevra.parse(productId.substring(colon + 1), true);
                if (stream != null
                        && nevra.isPresent()
                        && !nevra.get().arch().equals("src")
                        && !nevra.get().name().endsWith("-debuginfo")
                        && !nevra.get().name().endsWith("-debugsource")) {
                    affected.add(Feeds.fixed(
                            "Red Hat:" + stream, nevra.get().name(), nevra.get().evr()));
                }
            }
        }
        if (affected.isEmpty()) {
            return Optional.empty();
        }
        Severity severity =
                Feeds.severity(document.path("aggregate_severity").path("text").asString(""));
        return Optional.of(new Advisory(
                id,
                cves,
                "redhat",
                document.path("title").asString(null),
                severity,
                severity == Severity.UNKNOWN ? "none" : "redhat",
                cvss,
                List.of("https://access.redhat.com/errata/" + id),
                instant(document.path("tracking").path("initial_release_date").asString("")),
                instant(document.path("tracking").path("current_release_date").asString("")),
                Feeds.merge(affected)));
    }

    /** Maps product ids of main-stream RHEL products to their major release, walking the branch tree. */
    private static void collectProducts(JsonNode node, Map<String, String> out) {
        for (JsonNode branch : node.path("branches")) {
            JsonNode product = branch.path("product");
            String cpe =
                    product.path("product_identification_helper").path("cpe").asString("");
            String stream = cpe.isEmpty() ? null : mainStream(cpe);
            if (stream != null) {
                out.put(product.path("product_id").asString(""), stream);
            }
            collectProducts(branch, out);
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
    }

    private static @Nullable Instant instant(String text) {
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
