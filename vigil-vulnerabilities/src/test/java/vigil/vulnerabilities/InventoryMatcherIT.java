package vigil.vulnerabilities;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.ProgressListener;
import vigil.model.Target;
import vigil.model.finding.Finding;
import vigil.model.finding.Resource;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/**
 * Matching against a real advisory database: hosts that send the same packages (one image, or one host's unchanged
 * inventory each interval) are matched once per database file, each gets findings of its own, and a replaced database
 * is matched again.
 */
class InventoryMatcherIT {
    @TempDir
    Path temp;

    private Path database(String name, String... affected) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String id : affected) {
            Path file = temp.resolve(name + "-" + id + ".json");
            Files.writeString(file, """
                    {"id": "%s", "modified": "2099-01-01T00:00:00Z", "details": "flaw",
                     "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.0-1"}]}]}]}
                    """.formatted(id));
            files.add(file);
        }
        Path built = AdvisoryStore.fileIn(temp.resolve(name));
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(built, files, false, ProgressListener.NONE);
        return built;
    }

    private static Inventory host(String target, String... packages) {
        List<InstalledPackage> installed = new ArrayList<>();
        for (String name : packages) {
            installed.add(new InstalledPackage(
                    PackageType.DEB,
                    name,
                    null,
                    "1.0-1",
                    null,
                    "amd64",
                    name,
                    "1.0-1",
                    List.of(),
                    List.of(),
                    "pkg:deb/debian/" + name + "@1.0-1?arch=amd64&distro=debian-12"));
        }
        return new Inventory(
                new Target(Target.Kind.HOST, target, null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)"),
                OsSupport.supported("Debian 12 is supported"),
                installed,
                List.of(),
                Instant.now());
    }

    private static Resource resource(String id) {
        return new Resource("host", id, id, null, id, null, Map.of());
    }

    private static List<String> rules(InventoryMatcher.Found found) {
        return found.findings().stream().map(f -> f.rule().id()).sorted().toList();
    }

    @Test
    void hostsWithTheSamePackagesAreMatchedOncePerDatabaseFile() throws Exception {
        Path data = temp.resolve("data");
        Files.createDirectories(data);
        Path live = AdvisoryStore.fileIn(data);
        Files.createDirectories(live.getParent());
        Files.copy(database("first", "CVE-2099-0001", "CVE-2099-0002"), live);
        try (AdvisoryDatabase advisories = new AdvisoryDatabase(live)) {
            InventoryMatcher matcher = new InventoryMatcher(advisories, Clock.systemUTC());

            InventoryMatcher.Found web1 = matcher.match(resource("host:web-1"), host("web-1", "testpkg", "other"));
            InventoryMatcher.Found web2 = matcher.match(resource("host:web-2"), host("web-2", "testpkg", "other"));
            assertThat(rules(web1)).containsExactly("CVE-2099-0001", "CVE-2099-0002");
            assertThat(rules(web2)).isEqualTo(rules(web1));
            assertThat(matcher.matchedCount())
                    .as("the second host's packages were matched before")
                    .isEqualTo(1);
            // each host's findings are its own
            assertThat(web2.findings())
                    .extracting(Finding::resource)
                    .extracting(Resource::id)
                    .containsOnly("host:web-2");
            assertThat(web2.findings())
                    .extracting(Finding::id)
                    .doesNotContainAnyElementsOf(
                            web1.findings().stream().map(Finding::id).toList());

            // another package set is matched, and so is the same one after the database file is replaced
            assertThat(rules(matcher.match(resource("host:db-1"), host("db-1", "other"))))
                    .isEmpty();
            assertThat(matcher.matchedCount()).isEqualTo(2);
            Files.move(
                    database("second", "CVE-2099-0003"),
                    live,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            assertThat(rules(matcher.match(resource("host:web-1"), host("web-1", "testpkg", "other"))))
                    .containsExactly("CVE-2099-0003");
            assertThat(matcher.matchedCount()).isEqualTo(3);

            // bounded: more package sets than it keeps push the oldest out, which is then matched again
            for (int i = 0; i < InventoryMatcher.RECENT; i++) {
                matcher.match(resource("host:n-" + i), host("n-" + i, "testpkg", "extra-" + i));
            }
            long before = matcher.matchedCount();
            matcher.match(resource("host:web-1"), host("web-1", "testpkg", "other"));
            assertThat(matcher.matchedCount()).isEqualTo(before + 1);
        }
    }
}
