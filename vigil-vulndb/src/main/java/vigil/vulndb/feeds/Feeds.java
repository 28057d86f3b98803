package vigil.vulndb.feeds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.versions.VersionScheme;
import vigil.vulndb.AffectedPackage;

/** Helpers shared by vendor feeds. */
public final class Feeds {
    private static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,}");

    private Feeds() {}

    public static List<String> cves(String text) {
        List<String> out = new ArrayList<>();
        Matcher matcher = CVE.matcher(text);
        while (matcher.find()) {
            if (!out.contains(matcher.group())) {
                out.add(matcher.group());
            }
        }
        return out;
    }

    /** One package fixed in one release: affected from the beginning up to the fix. */
    public static AffectedPackage fixed(String ecosystem, String name, String evr) {
        return new AffectedPackage(
                ecosystem,
                name,
                List.of(new AffectedPackage.VersionRange("0", evr, null)),
                List.of(),
                FixState.FIXED,
                null);
    }

    public static AffectedPackage unfixed(String ecosystem, String name, FixState state) {
        return new AffectedPackage(
                ecosystem, name, List.of(new AffectedPackage.VersionRange("0", null, null)), List.of(), state, null);
    }

    /**
     * Keeps one entry per (ecosystem, package): where a feed lists a package per architecture with different fixed
     * versions, the highest fix wins, so no architecture is reported fixed too early.
     */
    public static List<AffectedPackage> merge(List<AffectedPackage> affected) {
        Map<String, AffectedPackage> byKey = new LinkedHashMap<>();
        for (AffectedPackage entry : affected) {
            String key = entry.ecosystem() + "\u0000" + entry.packageName();
            AffectedPackage previous = byKey.get(key);
            if (previous == null || later(entry, previous)) {
                byKey.put(key, entry);
            }
        }
        return List.copyOf(byKey.values());
    }

    private static boolean later(AffectedPackage candidate, AffectedPackage current) {
        String a = fix(candidate);
        String b = fix(current);
        if (a == null || b == null) {
            return a == null && b != null;
        }
        try {
            return VersionScheme.RPM.compare(a, b) > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static @org.jspecify.annotations.Nullable String fix(AffectedPackage entry) {
        return entry.ranges().isEmpty() ? null : entry.ranges().getFirst().fixed();
    }

    public static Severity severity(String text) {
        return Severity.parse(text);
    }
}
