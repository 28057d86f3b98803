package vigil.threats.wing;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One stored signal as lists show it: what it is, where, and its state (who set it when; a mute that archived it). */
public record SignalRow(
        String id,
        String findingId,
        String hostId,
        String hostName,
        String ruleId,
        String severity,
        @Nullable String mitreTactic,
        @Nullable String mitreTechnique,
        String eventType,
        String processPath,
        @Nullable String containerImage,
        Instant time,
        long count,
        Instant receivedAt,
        String state,
        Instant stateAt,
        @Nullable String stateBy,
        @Nullable String mutedBy) {}
