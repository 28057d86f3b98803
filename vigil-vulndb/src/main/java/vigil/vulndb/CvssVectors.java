package vigil.vulndb;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import us.springett.cvss.Cvss;
import us.springett.cvss.Score;
import vigil.model.CvssScore;

/** Scores CVSS vectors (v2, v3.0, v3.1, v4.0) with the reference calculator. */
public final class CvssVectors {
    /** Vectors repeat across a feed (a few thousand distinct in tens of thousands of records). */
    private static final int CACHED = 4096;

    private static final Map<String, Optional<CvssScore>> SCORED = new ConcurrentHashMap<>();

    private CvssVectors() {}

    /** The vector's base score, or empty when the calculator cannot read it. */
    public static Optional<CvssScore> score(String vector, String source) {
        String trimmed = vector.strip();
        Optional<CvssScore> scored = SCORED.get(trimmed);
        if (scored == null) {
            scored = calculate(trimmed);
            if (SCORED.size() < CACHED) {
                SCORED.put(trimmed, scored);
            }
        }
        return scored.map(score -> new CvssScore(score.version(), score.vector(), score.baseScore(), source));
    }

    private static Optional<CvssScore> calculate(String trimmed) {
        try {
            Cvss cvss = Cvss.fromVector(trimmed);
            if (cvss == null) {
                return Optional.empty();
            }
            Score score = cvss.calculateScore();
            String version = trimmed.startsWith("CVSS:4.0")
                    ? "4.0"
                    : trimmed.startsWith("CVSS:3.1") ? "3.1" : trimmed.startsWith("CVSS:3.0") ? "3.0" : "2.0";
            return Optional.of(new CvssScore(version, trimmed, score.getBaseScore(), ""));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
