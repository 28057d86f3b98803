package vigil.vulndb.osv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
import vigil.vulndb.Ecosystems;

/**
 * OSV JSON records (one record, or an array of them) of the distribution ecosystems. Ranges of type ECOSYSTEM
 * become affected intervals; the distribution's own severity ({@code Ubuntu} severity entries, Debian urgency,
 * {@code database_specific.severity}) wins over CVSS vectors, which are scored with the reference calculator.
 */
public final class OsvParser implements AdvisoryFeedParser {
    private static final JsonMapper JSON = vigil.vulndb.FeedJson.MAPPER;
    private static final String BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com";

    @Override
    public String name() {
        return "osv";
    }

    @Override
    public boolean accepts(String fileName, byte[] head) {
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return false;
        }
        // Latin-1 reads every byte as one char without validating: the ASCII markers are found exactly as in
        // UTF-8 (no multi-byte sequence holds an ASCII byte), and decoding UTF-8 was a twentieth of an import.
        String text = new String(head, StandardCharsets.ISO_8859_1);
        return text.contains("\"id\"") && (text.contains("\"affected\"") || text.contains("\"modified\""));
    }

    @Override
    public List<String> downloadPaths() {
        return Ecosystems.OSV_DISTRIBUTIONS.stream()
                .map(ecosystem -> ecosystem.replace(" ", "%20") + "/all.zip")
                .toList();
    }

    @Override
    public String defaultBaseUrl() {
        return BASE_URL;
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
        if (root == null || root.isMissingNode()) {
            throw new AdvisoryFormatException(fileName + " is empty");
        }
        if (root.isArray()) {
            for (JsonNode record : root) {
                readSafely(fileName, record, warnings).ifPresent(sink);
            }
        } else if (root.isObject()) {
            readSafely(fileName, root, warnings).ifPresent(sink);
        } else {
            throw new AdvisoryFormatException(fileName + " is not an OSV record (expected a JSON object)");
        }
    }

    /** A record whose fields have unexpected JSON types is a warning, not a failure of the whole file. */
    private static Optional<Advisory> readSafely(String fileName, JsonNode record, List<String> warnings) {
        try {
            return read(fileName, record, warnings);
        } catch (JacksonException e) {
            warnings.add(fileName + ": malformed OSV record (" + e.getOriginalMessage() + "); skipped");
            return Optional.empty();
        }
    }

    /** One record; records of no OS ecosystem, withdrawn ones, and malformed ones yield nothing. */
    public static Optional<Advisory> read(String fileName, JsonNode record, List<String> warnings) {
        String id = record.path("id").asString("");
        if (id.isEmpty()) {
            warnings.add(fileName + ": OSV record without an id; skipped");
            return Optional.empty();
        }
        if (record.hasNonNull("withdrawn")) {
            return Optional.empty();
        }
        Set<String> aliases = new LinkedHashSet<>();
        record.path("aliases").forEach(alias -> aliases.add(alias.asString()));
        record.path("upstream").forEach(alias -> aliases.add(alias.asString()));
        aliases.remove(id);

        List<CvssScore> cvss = new ArrayList<>();
        Severity distroSeverity = null;
        String distroSource = null;
        for (JsonNode entry : record.path("severity")) {
            String type = entry.path("type").asString("");
            String score = entry.path("score").asString("");
            if (type.startsWith("CVSS_")) {
                CvssVectors.score(score, "osv").ifPresent(cvss::add);
            } else if (!score.isEmpty()) {
                Severity parsed = Severity.parse(score);
                if (parsed != Severity.UNKNOWN) {
                    distroSeverity = parsed;
                    distroSource = type.toLowerCase(Locale.ROOT);
                }
            }
        }
        String databaseSeverity =
                record.path("database_specific").path("severity").asString("");
        if (distroSeverity == null && !databaseSeverity.isEmpty()) {
            Severity parsed = Severity.parse(databaseSeverity);
            if (parsed != Severity.UNKNOWN) {
                distroSeverity = parsed;
                distroSource = "osv:" + id.split("-")[0].toLowerCase(Locale.ROOT);
            }
        }

        List<AffectedPackage> affected = new ArrayList<>();
        for (JsonNode entry : record.path("affected")) {
            affected(fileName, id, entry, warnings).ifPresent(affected::add);
        }
        if (affected.isEmpty()) {
            return Optional.empty();
        }
        if (distroSeverity == null) {
            distroSeverity = affected.stream()
                    .map(AffectedPackage::severity)
                    .filter(severity -> severity != null && severity != Severity.UNKNOWN)
                    .max(Severity::compareTo)
                    .orElse(null);
            if (distroSeverity != null) {
                distroSource = sourceOf(affected.getFirst().ecosystem());
            }
        }
        Severity severity;
        String severitySource;
        if (distroSeverity != null) {
            severity = distroSeverity;
            severitySource = distroSource == null ? "osv" : distroSource;
        } else if (!cvss.isEmpty()) {
            CvssScore best = cvss.stream()
                    .max((a, b) -> a.version().compareTo(b.version()))
                    .orElseThrow();
            severity = Severity.fromCvssScore(best.baseScore());
            severitySource = "cvss_v" + best.version().charAt(0) + " (" + best.source() + ")";
        } else {
            severity = Severity.UNKNOWN;
            severitySource = "none";
        }
        List<String> references = new ArrayList<>();
        record.path("references").forEach(reference -> {
            String url = reference.path("url").asString("");
            if (!url.isEmpty()) {
                references.add(url);
            }
        });
        String summary = record.path("summary").asString("");
        if (summary.isEmpty()) {
            summary = firstSentence(record.path("details").asString(""));
        }
        return Optional.of(new Advisory(
                id,
                List.copyOf(aliases),
                "osv",
                summary.isEmpty() ? null : summary,
                severity,
                severitySource,
                cvss,
                references,
                instant(record.path("published").asString("")),
                instant(record.path("modified").asString("")),
                affected));
    }

    private static String sourceOf(String ecosystem) {
        int colon = ecosystem.indexOf(':');
        return (colon < 0 ? ecosystem : ecosystem.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private static Optional<AffectedPackage> affected(
            String fileName, String id, JsonNode entry, List<String> warnings) {
        JsonNode pkg = entry.path("package");
        String ecosystem = pkg.path("ecosystem").asString("");
        String name = pkg.path("name").asString("");
        if (ecosystem.isEmpty() || name.isEmpty()) {
            warnings.add(fileName + ": " + id + " has an affected entry without package ecosystem or name; skipped");
            return Optional.empty();
        }
        Optional<String> key = Ecosystems.normalize(ecosystem);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        List<AffectedPackage.VersionRange> ranges = new ArrayList<>();
        boolean fixed = false;
        for (JsonNode range : entry.path("ranges")) {
            if (!range.path("type").asString("").equals("ECOSYSTEM")) {
                continue;
            }
            String introduced = null;
            for (JsonNode event : range.path("events")) {
                if (event.has("introduced")) {
                    if (introduced != null) {
                        ranges.add(new AffectedPackage.VersionRange(introduced, null, null));
                    }
                    introduced = event.path("introduced").asString();
                } else if (event.has("fixed")) {
                    ranges.add(new AffectedPackage.VersionRange(
                            introduced, event.path("fixed").asString(), null));
                    introduced = null;
                    fixed = true;
                } else if (event.has("last_affected")) {
                    ranges.add(new AffectedPackage.VersionRange(
                            introduced, null, event.path("last_affected").asString()));
                    introduced = null;
                }
            }
            if (introduced != null) {
                ranges.add(new AffectedPackage.VersionRange(introduced, null, null));
            }
        }
        List<String> versions = new ArrayList<>();
        entry.path("versions").forEach(version -> versions.add(version.asString()));
        if (ranges.isEmpty() && versions.isEmpty()) {
            warnings.add(
                    fileName + ": " + id + " lists " + name + " in " + ecosystem + " with no version range; skipped");
            return Optional.empty();
        }
        JsonNode specific = entry.path("ecosystem_specific");
        JsonNode database = entry.path("database_specific");
        Severity severity = null;
        String urgency =
                specific.path("urgency").asString(specific.path("severity").asString(""));
        if (!urgency.isEmpty()) {
            Severity parsed = Severity.parse(urgency.replace("*", "").strip());
            severity = parsed == Severity.UNKNOWN ? null : parsed;
        }
        FixState state = fixed ? FixState.FIXED : FixState.NOT_FIXED;
        // Only an unfixed entry can be won't-fix: serializing every entry's fields cost a seventh of an import.
        String statusText = fixed ? "" : (specific.toString() + " " + database.toString()).toLowerCase(Locale.ROOT);
        if (!fixed
                && (statusText.contains("will not fix")
                        || statusText.contains("wont-fix")
                        || statusText.contains("won't fix")
                        || statusText.contains("ignored")
                        || statusText.contains("end-of-life")
                        || statusText.contains("end of life"))) {
            state = FixState.WONT_FIX;
        }
        return Optional.of(new AffectedPackage(key.get(), name, ranges, versions, state, severity));
    }

    private static @Nullable Instant instant(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Instant plain = plainUtcSeconds(text);
        if (plain != null) {
            return plain;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code 2026-11-01T00:00:00Z}, the form of nearly every OSV date, read directly: {@link Instant#parse} took
     * a twelfth of an import. Anything else (fractions, offsets, odd values) is left to it.
     */
    static @Nullable Instant plainUtcSeconds(String text) {
        if (text.length() != 20
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || text.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * Stripped, with each run of {@code \\s} (space, tab, line breaks, vertical tab, form feed) one space: what
     * {@code strip().replaceAll("\\s+", " ")} gave, without the regular expression's sixteenth of an import.
     */
    private static String collapseWhitespace(String details) {
        String text = details.strip();
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
                space = true;
            } else {
                if (space && !out.isEmpty()) {
                    out.append(' ');
                }
                space = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String firstSentence(String details) {
        String text = collapseWhitespace(details);
        int end = text.indexOf(". ");
        String sentence = end > 0 ? text.substring(0, end + 1) : text;
        return sentence.length() > 200 ? sentence.substring(0, 197) + "..." : sentence;
    }
}
