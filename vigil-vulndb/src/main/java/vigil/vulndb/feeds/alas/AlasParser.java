package vigil.vulndb.feeds.alas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFeedParser;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.feeds.Feeds;
import vigil.vulndb.feeds.Nevra;

/**
 * Amazon Linux Security Advisories, in the two shapes they are mirrored: the ALAS advisory pages
 * ({@code https://alas.aws.amazon.com/AL2/ALAS-2024-2500.html}, the "New Packages" list gives the fixed
 * versions) and vuln-list JSON ({@code amazon/<release>/ALAS*.json}). The release comes from the page's title or
 * the file's path: Amazon Linux AMI (1), 2, 2022, 2023.
 */
public final class AlasParser implements AdvisoryFeedParser {
    private static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;
    private static final Pattern ID = Pattern.compile("ALAS(?:2|2022|2023)?-\\d{4}-\\d+");
    private static final Pattern RELEASE_IN_PATH = Pattern.compile("amazon/(1|2|2022|2023)/");
    private static final Pattern TAGS = Pattern.compile("<[^>]*>");

    @Override
    public String name() {
        return "alas";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        String text = new String(head, StandardCharsets.UTF_8);
        String lower = fileName.toLowerCase(Locale.ROOT);
        boolean alasName = ID.matcher(fileName).find() || lower.contains("alas");
        boolean json = text.stripLeading().startsWith("{") && text.contains("\"packages\"") && text.contains("ALAS");
        boolean html = text.contains("<html") || text.contains("<!DOCTYPE") || text.contains("Security Advisory");
        return alasName && (json || html) && !lower.endsWith(".rss") && !lower.endsWith(".xml");
    }

    @Override
    public void parse(String fileName, InputStream input, Consumer<Advisory> sink, List<String> warnings)
            throws IOException {
        byte[] bytes = input.readAllBytes();
        String text = new String(bytes, StandardCharsets.UTF_8);
        Optional<Advisory> advisory;
        try {
            advisory = text.stripLeading().startsWith("{")
                    ? fromJson(fileName, text, warnings)
                    : fromPage(fileName, text, warnings);
        } catch (JacksonException e) {
            throw new AdvisoryFormatException(fileName + " has an unexpected structure: " + e.getOriginalMessage());
        }
        advisory.ifPresent(sink);
    }

    private static Optional<Advisory> fromJson(String fileName, String text, List<String> warnings) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new AdvisoryFormatException(fileName + " is not valid JSON: " + e.getOriginalMessage());
        }
        String id = root.path("id").asString("");
        Matcher inPath = RELEASE_IN_PATH.matcher(fileName);
        String release = inPath.find() ? inPath.group(1) : releaseOfId(id);
        if (id.isEmpty() || release == null) {
            warnings.add(fileName + ": ALAS record without an id or an Amazon Linux release; skipped");
            return Optional.empty();
        }
        List<AffectedPackage> affected = new ArrayList<>();
        for (JsonNode pkg : root.path("packages")) {
            String name = pkg.path("name").asString("");
            String version = pkg.path("version").asString("");
            if (name.isEmpty() || version.isEmpty()) {
                continue;
            }
            String epoch = pkg.path("epoch").asString("0");
            String evr = (epoch.isEmpty() || epoch.equals("0") ? "" : epoch + ":") + version + "-"
                    + pkg.path("release").asString("");
            affected.add(Feeds.fixed("Amazon Linux:" + release, name, evr));
        }
        List<String> cves = new ArrayList<>();
        root.path("cveids").forEach(cve -> cves.add(cve.asString()));
        List<String> references = new ArrayList<>();
        root.path("references").forEach(reference -> {
            String href = reference.path("href").asString("");
            if (!href.isEmpty()) {
                references.add(href);
            }
        });
        return advisory(
                id,
                cves,
                root.path("title").asString(null),
                root.path("severity").asString(""),
                date(root.path("issued").path("date").asString("")),
                date(root.path("updated").path("date").asString("")),
                references,
                affected,
                fileName,
                warnings);
    }

    private static Optional<Advisory> fromPage(String fileName, String html, List<String> warnings) {
        String text = TAGS.matcher(html.replace("&nbsp;", " "))
                .replaceAll(" ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replaceAll("[ \\t\\x0B\\f\\r]+", " ");
        Matcher idMatcher = ID.matcher(text);
        if (!idMatcher.find()) {
            throw new AdvisoryFormatException(fileName + " is not an ALAS advisory page (no ALAS id)");
        }
        String id = idMatcher.group();
        String titled = releaseOfTitle(text);
        String release = titled != null ? titled : releaseOfId(id);
        if (release == null) {
            warnings.add(fileName + ": cannot tell which Amazon Linux release " + id + " is for; skipped");
            return Optional.empty();
        }
        String severity = between(text, "Severity:", "References:");
        String references = between(text, "References:", "Issue Overview:");
        String overview = between(text, "Issue Overview:", "Affected Packages:");
        String packages = between(text, "New Packages:", "Additional References");
        if (packages.isEmpty()) {
            packages = between(text, "New Packages:", "\n\n");
        }
        List<AffectedPackage> affected = new ArrayList<>();
        for (String token : packages.split("\\s+")) {
            if (token.endsWith(":") || token.isBlank()) {
                continue;
            }
            Optional<Nevra> nevra = Nevra.parse(token, true);
            nevra.ifPresent(value -> affected.add(Feeds.fixed("Amazon Linux:" + release, value.name(), value.evr())));
        }
        Matcher released =
                Pattern.compile("Release Date: (\\d{4}-\\d{2}-\\d{2})").matcher(text);
        Matcher updated =
                Pattern.compile("Updated Date: (\\d{4}-\\d{2}-\\d{2})").matcher(text);
        return advisory(
                id,
                Feeds.cves(references.isEmpty() ? text : references),
                overview.strip(),
                severity.strip(),
                released.find() ? date(released.group(1)) : null,
                updated.find() ? date(updated.group(1)) : null,
                List.of("https://alas.aws.amazon.com/" + id + ".html"),
                affected,
                fileName,
                warnings);
    }

    private static Optional<Advisory> advisory(
            String id,
            List<String> cves,
            @Nullable String summary,
            String severityText,
            @Nullable Instant published,
            @Nullable Instant modified,
            List<String> references,
            List<AffectedPackage> affected,
            String fileName,
            List<String> warnings) {
        if (affected.isEmpty()) {
            warnings.add(fileName + ": " + id + " lists no fixed packages; skipped");
            return Optional.empty();
        }
        Severity severity = Feeds.severity(severityText);
        return Optional.of(new Advisory(
                id,
                cves,
                "alas",
                summary == null || summary.isBlank() ? null : abbreviate(summary),
                severity,
                severity == Severity.UNKNOWN ? "none" : "amazon",
                List.of(),
                references,
                published,
                modified,
                Feeds.merge(affected)));
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
    }

    static @Nullable String releaseOfTitle(String text) {
        // The page's navigation names every release; only the advisory heading says which one this is.
        Matcher heading = Pattern.compile("Amazon Linux (AMI|2023|2022|2) Security Advisory")
                .matcher(text);
        if (!heading.find()) {
            return null;
        }
        return heading.group(1).equals("AMI") ? "1" : heading.group(1);
    }

    static @Nullable String releaseOfId(String id) {
        if (id.startsWith("ALAS2023-")) {
            return "2023";
        } else if (id.startsWith("ALAS2022-")) {
            return "2022";
        } else if (id.startsWith("ALAS2-")) {
            return "2";
        }
        return null;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            return "";
        }
        from += start.length();
        int to = text.indexOf(end, from);
        return to < 0 ? text.substring(from) : text.substring(from, to);
    }

    private static @Nullable Instant date(String text) {
        if (text.length() < 10) {
            return null;
        }
        try {
            return LocalDate.parse(text.substring(0, 10))
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
