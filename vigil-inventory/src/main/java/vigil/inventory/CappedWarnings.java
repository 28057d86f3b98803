package vigil.inventory;

import java.util.AbstractList;
import java.util.List;

/**
 * The warnings of one reader, at most {@link #LIMIT}: a database of millions of broken records must not become
 * millions of messages in memory. {@link #close()} adds one line counting what was left out.
 */
public final class CappedWarnings extends AbstractList<String> {
    public static final int LIMIT = 200;

    private final List<String> target;
    private final String source;
    private int added;
    private long dropped;

    public CappedWarnings(List<String> target, String source) {
        this.target = target;
        this.source = source;
    }

    @Override
    public boolean add(String warning) {
        if (added >= LIMIT) {
            dropped++;
            return false;
        }
        added++;
        return target.add(warning);
    }

    @Override
    public String get(int index) {
        return target.get(index);
    }

    @Override
    public int size() {
        return target.size();
    }

    /** Says how many warnings were left out, if any. */
    public void close() {
        if (dropped > 0) {
            target.add(source + ": " + dropped + " more warnings like the ones above were left out");
            dropped = 0;
        }
    }
}
