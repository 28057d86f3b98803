package vigil.threats.rules.policy;

import java.util.List;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;

/**
 * What a rule's {@code filters} and {@code agent_version} are checked against: this host (its OS and kernel) and
 * the version of Datadog's agent whose SECL this Vigil implements ({@link #SECL_AGENT_VERSION}: its field reference
 * is the one the event model was checked against).
 */
public record Environment(
        String os,
        String osId,
        String osVersion,
        int kernelMajor,
        int kernelMinor,
        int kernelPatch,
        String agentVersion) {
    /** The agent version of the SECL field reference Vigil's event model follows (secl/event-types-linux.tsv). */
    public static final String SECL_AGENT_VERSION = "7.83.0";

    /** The fields a filter may name. */
    static FieldCatalog filterCatalog() {
        return FieldCatalog.of(
                List.of(
                        new FieldCatalog.Entry("os", FieldType.STRING, "filter"),
                        new FieldCatalog.Entry("os.id", FieldType.STRING, "filter"),
                        new FieldCatalog.Entry("os.version_id", FieldType.STRING, "filter"),
                        new FieldCatalog.Entry("kernel.version.major", FieldType.INT, "filter"),
                        new FieldCatalog.Entry("kernel.version.minor", FieldType.INT, "filter"),
                        new FieldCatalog.Entry("kernel.version.patch", FieldType.INT, "filter"),
                        new FieldCatalog.Entry("origin", FieldType.STRING, "filter")),
                List.of("filter"));
    }

    /** This machine: Linux, its /etc/os-release and kernel release. */
    public static Environment ofThisHost() {
        String osId = "";
        String version = "";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/os-release"))) {
                if (line.startsWith("ID=")) {
                    osId = unquote(line.substring(3));
                } else if (line.startsWith("VERSION_ID=")) {
                    version = unquote(line.substring(11));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not every host has it: the filters that ask for it then see ""
        }
        int[] kernel = {0, 0, 0};
        String[] release = System.getProperty("os.version", "0.0.0").split("[.-]");
        for (int i = 0; i < 3 && i < release.length; i++) {
            try {
                kernel[i] = Integer.parseInt(release[i]);
            } catch (NumberFormatException e) {
                break;
            }
        }
        String os = System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT);
        return new Environment(
                os.contains("linux") ? "linux" : os,
                osId,
                version,
                kernel[0],
                kernel[1],
                kernel[2],
                SECL_AGENT_VERSION);
    }

    /** A Linux host of the given kernel, for tests and for checking policies for other hosts. */
    public static Environment linux(int major, int minor) {
        return new Environment("linux", "", "", major, minor, 0, SECL_AGENT_VERSION);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
