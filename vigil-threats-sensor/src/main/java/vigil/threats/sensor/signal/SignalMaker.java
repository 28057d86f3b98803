package vigil.threats.sensor.signal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.sensor.Containers;
import vigil.threats.sensor.ProcessCache;
import vigil.threats.sensor.Users;

/**
 * Makes a {@link Signal} of a rule's match: the rule's severity and ATT&CK tags, the event's process (its fields) and
 * ancestors (the process cache, as it is when the event is read), the container, what the event touched and the
 * event's fields. Runs on the sensor's thread, right after the event was mapped, so the cache still knows the process.
 */
public final class SignalMaker {
    private static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low", "info");
    private static final int O_ACCMODE = 3;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;

    /** The image a container runs, when its runtime can tell; null otherwise. */
    @FunctionalInterface
    public interface Images {
        @Nullable
        String image(String containerId);

        Images NONE = id -> null;

        /** The first answer of these, asked in order. */
        static Images firstOf(Images... sources) {
            List<Images> all = List.of(sources);
            return id -> {
                for (Images source : all) {
                    String image = source.image(id);
                    if (image != null) {
                        return image;
                    }
                }
                return null;
            };
        }

        /**
         * This host's runtimes: the OCI bundles of containerd's and CRI-O's Kubernetes containers, then Docker's
         * socket.
         */
        static Images local() {
            return firstOf(BundleImages.local(), DockerImages.local());
        }
    }

    private final FieldCatalog catalog;
    private final ProcessCache processes;
    private final Users users;
    private final Images images;

    public SignalMaker(FieldCatalog catalog, ProcessCache processes, Users users, Images images) {
        this.catalog = catalog;
        this.processes = processes;
        this.users = users;
        this.images = images;
    }

    /** The signal of {@code rule} matching {@code event}, with what its actions did. */
    public Signal make(RuleSet.Loaded rule, Event event, List<Signal.ActionResult> actions) {
        Map<String, String> tags = rule.definition().tags();
        String severity = tags.getOrDefault("severity", "medium").toLowerCase(Locale.ROOT);
        Instant time = time(event);
        long pid = number(event, "process.pid");
        Signal.Proc process = new Signal.Proc(
                pid,
                number(event, "process.ppid"),
                text(event, "process.file.path"),
                text(event, "process.comm"),
                commandLine(text(event, "process.argv0"), text(event, "process.args")),
                number(event, "process.uid"),
                nullable(text(event, "process.user")),
                number(event, "process.gid"),
                nullable(text(event, "process.group")));
        List<Signal.Proc> ancestors = new ArrayList<>();
        for (ProcessCache.CachedProcess ancestor : processes.ancestors((int) pid)) {
            if (ancestors.size() == Signal.MAX_ANCESTORS) {
                break;
            }
            ancestors.add(new Signal.Proc(
                    ancestor.pid(),
                    ancestor.ppid(),
                    ancestor.path(),
                    ancestor.comm(),
                    String.join(" ", ancestor.argv()),
                    Integer.toUnsignedLong(ancestor.uid()),
                    users.user(Integer.toUnsignedLong(ancestor.uid())),
                    Integer.toUnsignedLong(ancestor.gid()),
                    users.group(Integer.toUnsignedLong(ancestor.gid()))));
        }
        Containers.Container known = processes.container((int) pid);
        Signal.Container container =
                known == null ? null : new Signal.Container(known.id(), known.runtime(), images.image(known.id()));
        return new Signal(
                UUID.randomUUID().toString(),
                rule.definition().id(),
                rule.definition().description(),
                SEVERITIES.contains(severity) ? severity : "medium",
                nullable(tags.get("mitre_tactic")),
                nullable(tags.get("mitre_technique")),
                time,
                time,
                1,
                event.type(),
                process,
                ancestors,
                container,
                file(event),
                connection(event),
                fields(event),
                actions);
    }

    private Signal.@Nullable FileTouch file(Event event) {
        Signal.FileTouch touch = touch(event);
        return touch == null || touch.path().isEmpty() ? null : touch;
    }

    private Signal.@Nullable FileTouch touch(Event event) {
        return switch (event.type()) {
            case "exec" -> new Signal.FileTouch(text(event, "exec.file.path"), "exec");
            case "open" -> {
                long flags = number(event, "open.flags");
                String operation = (flags & O_CREAT) != 0
                        ? "create"
                        : (flags & O_TRUNC) != 0 ? "truncate" : (flags & O_ACCMODE) == 0 ? "open_read" : "open_write";
                yield new Signal.FileTouch(text(event, "open.file.path"), operation);
            }
            default -> null;
        };
    }

    private Signal.@Nullable Connection connection(Event event) {
        if (!event.type().equals("connect")) {
            return null;
        }
        return new Signal.Connection(
                "ip", "", 0, text(event, "connect.addr.ip"), (int) number(event, "connect.addr.port"));
    }

    /** The event's fields with their values, in the catalog's order, at most {@link Signal#MAX_EVENT_FIELDS}. */
    Map<String, Object> fields(Event event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Field field : catalog.fields()) {
            if (fields.size() == Signal.MAX_EVENT_FIELDS) {
                break;
            }
            if (!field.belongsTo(event.type()) || field.name().equals("event.type")) {
                continue;
            }
            Object value = event.value(field);
            if (value == null) {
                continue;
            }
            List<Object> items = new ArrayList<>();
            int length = java.lang.reflect.Array.getLength(value);
            for (int i = 0; i < length; i++) {
                Object item = java.lang.reflect.Array.get(value, i);
                items.add(item instanceof IpNet || item instanceof Character ? String.valueOf(item) : item);
            }
            if (field.multiple()) {
                fields.put(field.name(), List.copyOf(items));
            } else if (!items.isEmpty()) {
                fields.put(field.name(), items.getFirst());
            }
        }
        return fields;
    }

    /** When the event happened (its {@code event.timestamp}, nanoseconds since the epoch), or now without one. */
    private Instant time(Event event) {
        long nanos = number(event, "event.timestamp");
        return nanos == 0 ? Instant.now() : Instant.ofEpochSecond(0, nanos);
    }

    private static String commandLine(String argv0, String args) {
        return args.isEmpty() ? argv0 : argv0.isEmpty() ? args : argv0 + " " + args;
    }

    private static @Nullable String nullable(@Nullable String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    String text(Event event, String name) {
        Object value = catalog.find(name).map(event::value).orElse(null);
        return switch (value) {
            case String[] strings when strings.length > 0 -> strings[0];
            case long[] longs when longs.length > 0 -> Long.toString(longs[0]);
            case Object[] objects when objects.length > 0 -> String.valueOf(objects[0]);
            case null, default -> "";
        };
    }

    long number(Event event, String name) {
        return catalog.find(name).map(event::value).orElse(null) instanceof long[] longs && longs.length > 0
                ? longs[0]
                : 0;
    }
}
