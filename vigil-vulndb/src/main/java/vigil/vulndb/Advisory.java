package vigil.vulndb;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.model.CvssScore;
import vigil.model.Severity;

/**
 * One advisory normalized from any feed (OSV, ALAS, Oracle ELSA OVAL, Red Hat data ...). Every importer produces
 * these; the store keeps them; the matcher reads them.
 *
 * @param id the advisory's own identifier in its feed (DSA-5678-1, ALAS2-2024-2500, ELSA-2024-1234, CVE-... for
 *     per-CVE feeds)
 * @param aliases CVE and other identifiers the advisory covers
 * @param source the feed, e.g. {@code osv}, {@code alas}, {@code elsa}, {@code redhat}
 * @param severity the distribution's own severity where the feed gives one, else derived from CVSS, else UNKNOWN
 * @param severitySource where {@code severity} comes from ({@code debian}, {@code amazon}, {@code cvss_v3}, ...)
 */
public record Advisory(
        String id,
        List<String> aliases,
        String source,
        @Nullable String summary,
        Severity severity,
        String severitySource,
        List<CvssScore> cvss,
        List<String> references,
        @Nullable Instant published,
        @Nullable Instant modified,
        List<AffectedPackage> affected) {

    public Advisory {
        requireNonNull(id, "id is null");
        aliases = List.copyOf(aliases);
        requireNonNull(source, "source is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(severitySource, "severitySource is null");
        cvss = List.copyOf(cvss);
        references = List.copyOf(references);
        affected = List.copyOf(affected);
    }
}
