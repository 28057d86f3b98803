package vigil.model;

import static java.util.Objects.requireNonNull;

/**
 * A CVSS vector with its computed base score.
 *
 * @param version "2.0", "3.0", "3.1" or "4.0"
 * @param source who published the vector ("nvd", "debian", "redhat", the OSV record's source)
 */
public record CvssScore(String version, String vector, double baseScore, String source) {
    public CvssScore {
        requireNonNull(version, "version is null");
        requireNonNull(vector, "vector is null");
        requireNonNull(source, "source is null");
    }
}
