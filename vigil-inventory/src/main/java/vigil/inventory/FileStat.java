package vigil.inventory;

/**
 * What {@code stat} says of a path inside a root, links followed inside the root: its kind, permission bits
 * (including set-id and sticky, {@code 07777}), numeric owner and group as the root's own files name them, and size.
 */
public record FileStat(Kind kind, int mode, int uid, int gid, long size) {
    public enum Kind {
        FILE,
        DIRECTORY,
        OTHER
    }

    /** The mode as {@code ls -l} people read it in octal: {@code 0640}. */
    public String octal() {
        return String.format("%04o", mode);
    }
}
