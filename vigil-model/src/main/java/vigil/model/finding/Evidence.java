package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.CvssScore;
import vigil.model.FixState;

/** Why a finding was raised, in a shape specific to its capability. */
public sealed interface Evidence {

    /** A vulnerable installed package. */
    record VulnerablePackage(
            String packageName,
            String installedVersion,
            String purl,
            @Nullable String fixedVersion,
            FixState fixState,
            List<String> aliases,
            List<CvssScore> cvss,
            String severitySource,
            String advisorySource,
            String advisoryId)
            implements Evidence {

        public VulnerablePackage {
            requireNonNull(packageName, "packageName is null");
            requireNonNull(installedVersion, "installedVersion is null");
            requireNonNull(purl, "purl is null");
            requireNonNull(fixState, "fixState is null");
            aliases = List.copyOf(aliases);
            cvss = List.copyOf(cvss);
            requireNonNull(severitySource, "severitySource is null");
            requireNonNull(advisorySource, "advisorySource is null");
            requireNonNull(advisoryId, "advisoryId is null");
        }
    }

    /** Named values for capabilities whose evidence has no dedicated shape yet; values are strings, never objects. */
    record Attributes(Map<String, String> values) implements Evidence {
        public Attributes {
            values = Map.copyOf(new TreeMap<>(values));
        }
    }
}
