package vigil.vulndb;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.model.FixState;
import vigil.model.Severity;

/**
 * A package an advisory affects within one distribution release.
 *
 * @param ecosystem normalized {@code <Distribution>:<release>} key, e.g. {@code Debian:12}, {@code Ubuntu:22.04},
 *     {@code Alpine:v3.19}, {@code Red Hat:8}, {@code Amazon Linux:2}, {@code Oracle Linux:8}, {@code Wolfi}; see
 *     {@code Ecosystems} for the full list and how an OS maps to it
 * @param packageName the package as the feed names it: the source package for Debian and Ubuntu, the binary (or
 *     source rpm) name elsewhere
 * @param ranges affected version ranges in the ecosystem's version scheme; empty with {@code versions} empty
 *     means every version is affected
 * @param versions explicitly listed affected versions (OSV {@code versions})
 * @param fixState what the feed says about a fix
 * @param severity a per-package severity where the feed has one (Debian urgency, Ubuntu priority), else null
 */
public record AffectedPackage(
        String ecosystem,
        String packageName,
        List<VersionRange> ranges,
        List<String> versions,
        FixState fixState,
        @Nullable Severity severity) {

    public AffectedPackage {
        requireNonNull(ecosystem, "ecosystem is null");
        requireNonNull(packageName, "packageName is null");
        ranges = List.copyOf(ranges);
        versions = List.copyOf(versions);
        requireNonNull(fixState, "fixState is null");
    }

    /**
     * An affected interval {@code introduced <= v < fixed} (or {@code <= lastAffected}); a null bound is open.
     * {@code introduced} of {@code "0"} means from the beginning.
     */
    public record VersionRange(
            @Nullable String introduced,
            @Nullable String fixed,
            @Nullable String lastAffected) {}
}
