package vigil.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vigil.agent.run.BatchMaker;
import vigil.agent.run.Uploader;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.server.VigilServer;

/**
 * The training run of the server's AOT cache (ADR 0041): the launcher runs it once after a build with {@code
 * -XX:AOTCacheOutput}, with the server's JVM options, so that {@code vigil server} starts with the classes of its
 * intake path loaded and linked and with the method profiles (JEP 515) its compilers would otherwise first have to
 * collect on a real agent's batch. In a scratch directory it imports a small generated advisory database, starts a
 * server on a free loopback port, and sends it a generated Debian root's inventory as several new agents (every
 * finding new: the path a first batch of a new host takes), then as the same agents again (every finding refreshed).
 * Everything it needs is generated: nothing outside the distribution is read.
 */
public final class IntakeTraining {
    /** Source packages in the generated root; each has two binary packages and two advisories. */
    static final int SOURCES = 150;

    static final int NEW_AGENTS = 12;

    private IntakeTraining() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: IntakeTraining SCRATCH_DIRECTORY");
            System.exit(2);
        }
        int sent = train(Path.of(args[0]));
        System.exit(sent == 2 * NEW_AGENTS ? 0 : 1);
    }

    /** Runs the training in {@code scratch}; the number of batches the server accepted. */
    static int train(Path scratch) throws IOException, InterruptedException {
        Path root = scratch.resolve("root");
        Path server = scratch.resolve("server");
        List<String> advisories = writeTrainingSet(root, scratch.resolve("osv"));
        List<String> importArgs = new ArrayList<>(List.of("db", "import", "--quiet", "--data-dir", server.toString()));
        importArgs.addAll(advisories);
        if (Main.run(importArgs.toArray(String[]::new)) != ExitCodes.OK) {
            return 0;
        }
        Inventory inventory =
                Inventories.of(new TargetSpec.Rootfs(root), Clock.systemUTC(), ProgressListener.NONE, false);
        int accepted = 0;
        try (VigilServer vigil =
                VigilServer.start(new VigilServer.Options(server, null, "127.0.0.1", 0), Clock.systemUTC())) {
            VigilServer.Bootstrap first = vigil.bootstrap();
            if (first == null) {
                return 0;
            }
            Uploader uploader =
                    AgentCommand.uploader(URI.create("http://127.0.0.1:" + vigil.port()), first.intakeKey());
            for (int round = 0; round < 2; round++) {
                for (int agent = 0; agent < NEW_AGENTS; agent++) {
                    // each agent directory holds its own agent id: a new one is a new host
                    BatchMaker maker = AgentCommand.batchMaker(scratch.resolve("agent-" + agent), Map.of());
                    BatchMaker.Batch batch = maker.make(false, List.of(inventory));
                    if (uploader.send(batch.batchId(), batch.gzipped()).delivered()) {
                        accepted++;
                    }
                }
            }
        }
        return accepted;
    }

    /**
     * A Debian 12 root of {@value #SOURCES} source packages, two binary packages each (one with an epoch), and for
     * each source two OSV records: one fixed in a later version, one not fixed. Returns the OSV files.
     */
    static List<String> writeTrainingSet(Path root, Path osv) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(osv);
        Files.writeString(
                root.resolve("etc/os-release"),
                "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"
                        + "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        StringBuilder status = new StringBuilder();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            String source = "vigil-training-" + i;
            status.append("Package: ")
                    .append(source)
                    .append("\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.")
                    .append(i)
                    .append("-1\nDescription: start-up cache training package\n\n");
            status.append("Package: lib")
                    .append(source)
                    .append("+c++\nStatus: install ok installed\nArchitecture: amd64\nSource: ")
                    .append(source)
                    .append(" (1.")
                    .append(i)
                    .append("-1)\nVersion: 1:1.")
                    .append(i)
                    .append("-1+b1\nDescription: start-up cache training library\n\n");
            for (int n = 0; n < 2; n++) {
                String id = "VIGIL-TRAIN-" + i + "-" + n;
                String events =
                        n == 0 ? "{\"introduced\": \"0\"}, {\"fixed\": \"2:2.0-1\"}" : "{\"introduced\": \"0\"}";
                String record = "{\"id\": \"" + id + "\", \"aliases\": [\"CVE-2026-" + (10000 + 2 * i + n) + "\"],"
                        + " \"modified\": \"2026-01-01T00:00:00Z\", \"published\": \"2026-01-01T00:00:00Z\","
                        + " \"summary\": \"start-up cache training record " + i + "\","
                        + (n == 0
                                ? " \"severity\": [{\"type\": \"CVSS_V3\", \"score\":"
                                        + " \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
                                : "")
                        + " \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"" + source + "\"},"
                        + (n == 1 ? " \"ecosystem_specific\": {\"urgency\": \"low\"}," : "")
                        + " \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [" + events + "]}]}],"
                        + " \"references\": [{\"type\": \"ADVISORY\", \"url\": \"https://example.invalid/" + id
                        + "\"}]}\n";
                Path file = osv.resolve(id + ".json");
                Files.writeString(file, record, StandardCharsets.UTF_8);
                files.add(file.toString());
            }
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), status.toString(), StandardCharsets.UTF_8);
        return files;
    }
}
