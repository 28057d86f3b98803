package vigil.vulnerabilities;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Whether the latest inventory of a resource could be checked, as {@code vigil scan} decides it (ADR 0003, 0029): a
 * resource whose OS is unknown or unsupported, or whose ecosystem the advisory database holds nothing for, is not
 * scanned (and says why) rather than clean; a scanned one whose inventory is old is stale.
 */
public record ScanState(boolean scanned, String note) {
    /** A resource not heard from for this long is stale: agents send an inventory every few hours. */
    public static final Duration STALE_AFTER = Duration.ofDays(2);

    public static ScanState ok() {
        return new ScanState(true, "");
    }

    /**
     * Scanned, with the matcher's warnings summed up in the note: verdicts that rest on versions that cannot be
     * ordered with confidence (ADR 0021), reported as affected.
     */
    public static ScanState withWarnings(java.util.List<String> warnings) {
        if (warnings.isEmpty()) {
            return ok();
        }
        return new ScanState(
                true,
                warnings.size() + (warnings.size() == 1 ? " package has" : " packages have")
                        + " versions that cannot be compared reliably, reported as affected; the first: "
                        + warnings.getFirst());
    }

    public static ScanState notScanned(String why) {
        return new ScanState(false, why);
    }

    /** The stored column's value: {@code scanned} or {@code not_scanned}. */
    public String column() {
        return scanned ? "scanned" : "not_scanned";
    }

    /**
     * What a page shows for a stored state (null: stored by a server that did not record it, taken as scanned),
     * its note and the time of the inventory.
     */
    public static String describe(@Nullable String state, @Nullable String note, long scannedAt, long now) {
        if ("not_scanned".equals(state)) {
            return "not scanned: " + (note == null || note.isBlank() ? "the inventory could not be checked" : note);
        }
        if (now - scannedAt > STALE_AFTER.toMillis()) {
            return "stale: last scanned " + java.time.Instant.ofEpochMilli(scannedAt) + ", over " + STALE_AFTER.toDays()
                    + " days ago";
        }
        return note == null || note.isBlank() ? "scanned" : "scanned; " + note;
    }
}
