package vigil.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import vigil.model.ProgressListener;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/** Builds a server's advisory database from small OSV records written on the spot. */
final class TestAdvisories {
    private TestAdvisories() {}

    /** A CVSS 3.1 vector per severity the tests use. */
    static final String CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

    static final String HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
    static final String LOW = "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N";

    /** One OSV record: {@code cve} affects {@code packages} of {@code ecosystem} before 2.0-1. */
    static String osv(String cve, String ecosystem, String vector, String... packages) {
        StringBuilder affected = new StringBuilder();
        for (String name : packages) {
            if (!affected.isEmpty()) {
                affected.append(',');
            }
            affected.append("{\"package\": {\"ecosystem\": \"")
                    .append(ecosystem)
                    .append("\", \"name\": \"")
                    .append(name)
                    .append("\"}, \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"},")
                    .append(" {\"fixed\": \"2.0-1\"}]}]}");
        }
        return "{\"id\": \"" + prefix(ecosystem) + cve + "\", \"modified\": \"2099-01-01T00:00:00Z\", \"details\":"
                + " \"flaw " + cve + "\", \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"" + vector + "\"}],"
                + " \"affected\": [" + affected + "]}";
    }

    private static String prefix(String ecosystem) {
        return ecosystem.startsWith("Debian") ? "DEBIAN-" : ecosystem.startsWith("Alpine") ? "ALPINE-" : "";
    }

    /** Replaces the advisory database of {@code data} with these records (written under {@code scratch}). */
    static void install(Path data, Path scratch, List<String> records) throws Exception {
        Path dir = Files.createTempDirectory(scratch, "osv");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Path file = dir.resolve("record-" + i + ".json");
            Files.writeString(file, records.get(i));
            files.add(file);
        }
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), files, false, ProgressListener.NONE);
    }
}
