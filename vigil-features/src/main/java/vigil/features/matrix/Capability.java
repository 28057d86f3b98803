package vigil.features.matrix;

import java.util.Locale;

/** The five CSM capabilities. */
public enum Capability {
    MISCONFIGURATIONS("CSM Misconfigurations"),
    THREATS("CSM Threats"),
    VULNERABILITIES("CSM Vulnerabilities"),
    IDENTITY_RISKS("CSM Identity Risks"),
    AGENTLESS_SCANNING("CSM Agentless Scanning");

    private final String displayName;

    Capability(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** The id used in the matrix file and in JSON output ({@code identity_risks}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Capability ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
