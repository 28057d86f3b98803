package vigil.threats.sensor.signal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A rule's match on this host, as the server stores it and a person reads it ({@code docs/threats-signals.md}): the
 * rule and its ATT&CK tags, the process and its ancestors, the container, what the event touched, the event's fields
 * and what the rule's actions did. {@code count} events of the same rule by the same process are folded into one
 * signal, from {@code time} to {@code lastTime}.
 */
public record Signal(
        String id,
        String ruleId,
        String description,
        String severity,
        @Nullable String tactic,
        @Nullable String technique,
        Instant time,
        Instant lastTime,
        long count,
        String eventType,
        Proc process,
        List<Proc> ancestors,
        @Nullable Container container,
        @Nullable FileTouch file,
        @Nullable Connection connection,
        Map<String, Object> event,
        List<ActionResult> actions) {
    public static final int MAX_ANCESTORS = 32;
    public static final int MAX_EVENT_FIELDS = 128;

    public Signal {
        requireNonNull(id, "id is null");
        requireNonNull(ruleId, "ruleId is null");
        ancestors = List.copyOf(ancestors.size() > MAX_ANCESTORS ? ancestors.subList(0, MAX_ANCESTORS) : ancestors);
        event = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(event));
        actions = List.copyOf(actions);
        if (count < 1) {
            throw new IllegalArgumentException("a signal stands for at least one event, not " + count);
        }
    }

    /** The same signal standing for {@code more} further events, the last at {@code last}. */
    public Signal folding(long more, Instant last) {
        return new Signal(
                id,
                ruleId,
                description,
                severity,
                tactic,
                technique,
                time,
                last.isAfter(lastTime) ? last : lastTime,
                count + more,
                eventType,
                process,
                ancestors,
                container,
                file,
                connection,
                event,
                actions);
    }

    /** A process: the one that caused the event, or one of its ancestors. */
    public record Proc(
            long pid,
            long ppid,
            String path,
            String comm,
            String args,
            long uid,
            @Nullable String user,
            long gid,
            @Nullable String group) {
        public static final int MAX_ARGS = 4_096;

        public Proc {
            requireNonNull(path, "path is null");
            requireNonNull(comm, "comm is null");
            args = args.length() > MAX_ARGS ? args.substring(0, MAX_ARGS) : args;
        }
    }

    /** The container the process ran in; its image when the runtime told it. */
    public record Container(
            String id, String runtime, @Nullable String image) {}

    /** The file an event touched and how ({@code open_read}, {@code open_write}, {@code exec}). */
    public record FileTouch(String path, String operation) {}

    /** A network event's addresses; the source is empty and 0 where the event does not carry it. */
    public record Connection(
            String protocol, String sourceAddress, int sourcePort, String destinationAddress, int destinationPort) {}

    /** What one of the rule's actions did: {@code kill}, {@code hash} or {@code set}; done, failed or skipped. */
    public record ActionResult(String action, String result, String detail) {}
}
