package vigil.inventory;

/**
 * Bytes one cataloger may read over many files (every {@code status.d} entry, every {@code .list} file): each file
 * is charged its size before it is read, and streamed with what is left as its limit, so thousands of files cannot
 * add up to more than one large database.
 */
public final class ReadBudget {
    private final long limit;
    private long left;

    public ReadBudget(long limit) {
        this.limit = limit;
        this.left = limit;
    }

    /** Charges the file's size; returns the limit to stream it with, or refuses it naming the file. */
    public long charge(RootFile file, String what) {
        if (file.size() > left) {
            throw new InventoryException(file.name() + ": the " + what + " files add up to more than the " + limit
                    + " bytes Vigil reads; they are not a real package database");
        }
        left -= file.size();
        return file.size() + Math.min(left, 1L << 20); // a file still being written may grow a little
    }
}
