package vigil.model.finding;

import java.util.Locale;

/** The capability that raised a finding. */
public enum Category {
    VULNERABILITY,
    MISCONFIGURATION,
    IDENTITY_RISK,
    THREAT;

    /** The wire name: {@code vulnerability}, {@code misconfiguration}, {@code identity_risk}, {@code threat}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Category fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
