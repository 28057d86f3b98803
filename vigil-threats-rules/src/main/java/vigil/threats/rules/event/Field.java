package vigil.threats.rules.event;

/**
 * A field of the event model: its SECL name, type, the event types that have it (comma-separated; {@code *}: every
 * event), its slot in
 * an {@link Event}'s values, and whether it holds several values (the ancestors of a process, a process's arguments,
 * a container's tags...). A comparison with a field of several values holds when it holds for one of them.
 */
public record Field(String name, FieldType type, String eventType, int slot, boolean multiple, int groupSlot) {
    public Field(String name, FieldType type, String eventType, int slot, boolean multiple) {
        this(name, type, eventType, slot, multiple, -1);
    }

    /**
     * Whether the field holds a list for each element of its iterator ({@code process.ancestors.argv}: each
     * ancestor's arguments): its values are the lists one after the other, and {@link #groupSlot} holds how many
     * values each element has, so a register ({@code process.ancestors[A].argv}) reads the A-th list.
     */
    public boolean grouped() {
        return groupSlot >= 0;
    }

    /** Fields of every event (the process, its container, the event's own metadata). */
    public static final String ANY_EVENT = "*";

    public boolean onEveryEvent() {
        return eventType.equals(ANY_EVENT);
    }

    /** Whether events of {@code type} have this field. */
    public boolean belongsTo(String type) {
        if (onEveryEvent() || eventType.equals(type)) {
            return true;
        }
        for (String one : eventType.split(",")) {
            if (one.equals(type)) {
                return true;
            }
        }
        return false;
    }
}
