package vigil.model.batch;

import java.util.Locale;

/** The kinds of section a batch carries (ADR 0030, 0031), each taken by the capability that owns it. */
public enum SectionType {
    INVENTORY,
    SIGNALS,
    POSTURE,
    IDENTITY;

    /** The name in a batch: {@code inventory}, {@code signals}, {@code posture}, {@code identity}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
