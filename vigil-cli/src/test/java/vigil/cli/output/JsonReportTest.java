package vigil.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.model.CvssScore;
import vigil.model.DatabaseInfo;
import vigil.model.FixState;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;
import vigil.model.Severity;
import vigil.model.Target;
import vigil.model.Vulnerability;

/**
 * The streamed report is, character for character, the tree the report was built as before; written as bytes, it is
 * byte for byte what the characters become through a UTF-8 writer.
 */
class JsonReportTest {
    private static final String HOSTILE = "quote \" backslash \\ line\nbreak \u0001 <script> é ✓ 𝄞";

    private static InstalledPackage pkg(String name, String source) {
        return new InstalledPackage(
                PackageType.DEB,
                name,
                1,
                "3.0.11",
                "1~deb12u1",
                "amd64",
                source,
                null,
                List.of(),
                List.of(),
                "pkg:deb/debian/" + name);
    }

    private static ScanResult result(Target target, OperatingSystem os, DatabaseInfo database, List<String> warnings) {
        InstalledPackage plain = pkg("openssl", null);
        InstalledPackage hostile = pkg(HOSTILE, HOSTILE);
        Inventory inventory = new Inventory(
                target,
                os,
                OsSupport.supported("Debian 12 " + HOSTILE),
                List.of(plain, hostile),
                warnings,
                Instant.EPOCH);
        return new ScanResult(
                inventory,
                List.of(
                        new PackageVulnerability(
                                plain,
                                new Vulnerability(
                                        "CVE-1",
                                        List.of("DSA-1", HOSTILE),
                                        HOSTILE,
                                        Severity.HIGH,
                                        "debian",
                                        List.of(
                                                new CvssScore("3.1", "CVSS:3.1/AV:N", 9.8, "nvd"),
                                                new CvssScore("4.0", HOSTILE, 0.0, "")),
                                        List.of("https://x/" + HOSTILE),
                                        null,
                                        null),
                                FixState.FIXED,
                                "3.0.11-1~deb12u2",
                                "osv:Debian:12",
                                "DSA-1"),
                        new PackageVulnerability(
                                hostile,
                                new Vulnerability(
                                        "CVE-2",
                                        List.of(),
                                        null,
                                        Severity.UNKNOWN,
                                        "none",
                                        List.of(),
                                        List.of(),
                                        null,
                                        null),
                                FixState.NOT_FIXED,
                                null,
                                "osv:Debian:12",
                                "CVE-2")),
                database);
    }

    private static void sameAsTheTree(ScanResult result) {
        StringWriter streamed = new StringWriter();
        JsonReport.write(result, streamed);
        StringWriter tree = new StringWriter();
        JsonReport.writeTree(JsonReport.tree(result), tree);
        assertThat(streamed.toString()).isEqualTo(tree.toString());
        sameBytesAsThroughAWriter(result);
    }

    private static void sameBytesAsThroughAWriter(ScanResult result) {
        ByteArrayOutputStream throughWriter = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(throughWriter, StandardCharsets.UTF_8)) {
            JsonReport.write(result, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonReport.write(result, bytes);
        assertThat(bytes.toByteArray()).isEqualTo(throughWriter.toByteArray());
    }

    /**
     * Surrogates without their pair (which a UTF-8 writer replaces with {@code ?}), and long strings whose pairs fall
     * on every offset of the generators' buffers.
     */
    @Test
    void unpairedSurrogatesAndLongStringsAreTheSameBytes() {
        String unpaired =
                "high \uD834 alone, low \uDD1E alone, reversed \uDD1E\uD834, paired \uD834\uDD1E, at the end \uD834";
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 9_000; i++) {
            pairs.append(i % 7 == 0 ? "\"" : "a").append(i % 3 == 0 ? "\uD834\uDD1E" : "é");
        }
        String longText = pairs.toString();
        sameBytesAsThroughAWriter(result(
                new Target(Target.Kind.IMAGE, unpaired, "sha256:ab"),
                new OperatingSystem(OsFamily.DEBIAN, "12", "\uDD1E" + longText),
                new DatabaseInfo(longText + "\uD834", Instant.parse("2026-01-01T00:00:00Z"), 60_000),
                List.of(unpaired, longText, "x" + longText, "xy" + longText, "\uD834")));
        assertThat(JsonReport.withUnpairedSurrogatesReplaced(unpaired))
                .isEqualTo("high ? alone, low ? alone, reversed ??, paired \uD834\uDD1E, at the end ?");
        String plain = "nothing to replace ✓ \uD834\uDD1E";
        assertThat(JsonReport.withUnpairedSurrogatesReplaced(plain)).isSameAs(plain);
    }

    @Test
    void everyFieldIsWrittenAsTheTreeWroteIt() {
        sameAsTheTree(result(
                new Target(Target.Kind.IMAGE, HOSTILE, "sha256:ab"),
                new OperatingSystem(OsFamily.DEBIAN, "12", HOSTILE),
                new DatabaseInfo(HOSTILE, Instant.parse("2026-01-01T00:00:00Z"), 60_000),
                List.of("a warning", HOSTILE)));
    }

    @Test
    void absentValuesAreWrittenAsTheTreeWroteThem() {
        sameAsTheTree(result(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian"),
                new DatabaseInfo("db", null, 0),
                List.of()));
        Inventory empty = new Inventory(
                new Target(Target.Kind.ROOTFS, "r", null),
                null,
                OsSupport.unknown("no os-release"),
                List.of(),
                List.of(),
                Instant.EPOCH);
        sameAsTheTree(new ScanResult(empty, List.of(), new DatabaseInfo("db", null, 0)));
    }
}
