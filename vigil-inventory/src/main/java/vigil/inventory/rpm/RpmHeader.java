package vigil.inventory.rpm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.inventory.BoundedLines;
import vigil.inventory.FileListBudget;
import vigil.inventory.InventoryException;

/**
 * An rpm header blob as the database stores it: a big-endian index count and data length, the index entries
 * (tag, type, offset, count), then the data store. Every offset and count is checked against the blob before use.
 */
public final class RpmHeader {
    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int LICENSE = 1014;
    static final int ARCH = 1022;
    static final int OLDFILENAMES = 1027;
    static final int SOURCERPM = 1044;
    static final int DIRINDEXES = 1116;
    static final int BASENAMES = 1117;
    static final int DIRNAMES = 1118;

    private static final int TYPE_INT8 = 2;
    private static final int TYPE_INT16 = 3;
    private static final int TYPE_INT32 = 4;
    private static final int TYPE_INT64 = 5;
    private static final int TYPE_STRING = 6;
    private static final int TYPE_STRING_ARRAY = 8;
    private static final int TYPE_I18NSTRING = 9;
    private static final int MAX_ENTRIES = 0xffff;
    private static final int MAX_DATA = 256 << 20;
    /** More values than any tag of a real package has (the largest file lists have a few 100 000 entries). */
    static final int MAX_VALUES = 1_000_000;
    /** Linux's PATH_MAX: a longer owned path is not a real one. */
    static final int MAX_PATH = 4096;

    /** One index entry. */
    private record Entry(int tag, int type, int offset, int count) {}

    private final ByteBuffer data;
    private final Map<Integer, Entry> entries;

    private RpmHeader(ByteBuffer data, Map<Integer, Entry> entries) {
        this.data = data;
        this.entries = entries;
    }

    /** Parses a blob; throws {@link InventoryException} naming {@code where} when it is malformed. */
    public static RpmHeader parse(byte[] blob, String where) {
        if (blob.length < 8) {
            throw new InventoryException(where + ": rpm header of " + blob.length + " bytes is too short");
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        long indexCount = Integer.toUnsignedLong(buffer.getInt(0));
        long dataLength = Integer.toUnsignedLong(buffer.getInt(4));
        if (indexCount < 1 || indexCount > MAX_ENTRIES) {
            throw new InventoryException(where + ": rpm header claims " + indexCount + " index entries");
        }
        if (dataLength > MAX_DATA) {
            throw new InventoryException(where + ": rpm header claims " + dataLength + " data bytes");
        }
        long dataStart = 8 + indexCount * 16;
        if (dataStart + dataLength > blob.length) {
            throw new InventoryException(
                    where + ": rpm header needs " + (dataStart + dataLength) + " bytes but has " + blob.length);
        }
        ByteBuffer store =
                ByteBuffer.wrap(blob, (int) dataStart, (int) dataLength).slice().order(ByteOrder.BIG_ENDIAN);
        Map<Integer, Entry> entries = new HashMap<>();
        for (int i = 0; i < indexCount; i++) {
            int base = 8 + i * 16;
            Entry entry = new Entry(
                    buffer.getInt(base), buffer.getInt(base + 4), buffer.getInt(base + 8), buffer.getInt(base + 12));
            if (entry.offset() < 0 || entry.offset() > dataLength || entry.count() < 0) {
                throw new InventoryException(where + ": rpm header tag " + entry.tag() + " points outside the data ("
                        + entry.offset() + "+" + entry.count() + " of " + dataLength + ")");
            }
            entries.putIfAbsent(entry.tag(), entry);
        }
        return new RpmHeader(store, entries);
    }

    public @Nullable String string(int tag) {
        Entry entry = entries.get(tag);
        if (entry == null) {
            return null;
        }
        if (entry.type() != TYPE_STRING && entry.type() != TYPE_I18NSTRING && entry.type() != TYPE_STRING_ARRAY) {
            throw new InventoryException("rpm header tag " + tag + " is not a string (type " + entry.type() + ")");
        }
        return readString(entry.offset(), tag);
    }

    public List<String> strings(int tag) {
        Entry entry = entries.get(tag);
        if (entry == null) {
            return List.of();
        }
        if (entry.type() != TYPE_STRING_ARRAY && entry.type() != TYPE_I18NSTRING && entry.type() != TYPE_STRING) {
            throw new InventoryException(
                    "rpm header tag " + tag + " is not a string array (type " + entry.type() + ")");
        }
        int count = entry.type() == TYPE_STRING ? 1 : entry.count();
        if (count > data.limit() || count > MAX_VALUES) {
            throw new InventoryException(
                    "rpm header tag " + tag + " claims " + count + " strings in " + data.limit() + " bytes");
        }
        List<String> values = new ArrayList<>(count);
        int offset = entry.offset();
        for (int i = 0; i < count; i++) {
            String value = readString(offset, tag);
            values.add(value);
            offset += value.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return values;
    }

    public @Nullable Integer int32(int tag) {
        int[] values = int32s(tag);
        return values.length == 0 ? null : values[0];
    }

    public int[] int32s(int tag) {
        Entry entry = entries.get(tag);
        if (entry == null) {
            return new int[0];
        }
        int width = switch (entry.type()) {
            case TYPE_INT8 -> 1;
            case TYPE_INT16 -> 2;
            case TYPE_INT32 -> 4;
            case TYPE_INT64 -> 8;
            default ->
                throw new InventoryException(
                        "rpm header tag " + tag + " is not an integer (type " + entry.type() + ")");
        };
        long end = (long) entry.offset() + (long) entry.count() * width;
        if (entry.count() > MAX_VALUES) {
            throw new InventoryException("rpm header tag " + tag + " claims " + entry.count() + " values");
        }
        if (end > data.limit()) {
            throw new InventoryException(
                    "rpm header tag " + tag + " runs past the data (" + end + " > " + data.limit() + ")");
        }
        int[] values = new int[entry.count()];
        for (int i = 0; i < values.length; i++) {
            int at = entry.offset() + i * width;
            values[i] = switch (width) {
                case 1 -> data.get(at) & 0xff;
                case 2 -> data.getShort(at) & 0xffff;
                case 4 -> data.getInt(at);
                default -> (int) data.getLong(at);
            };
        }
        return values;
    }

    private String readString(int offset, int tag) {
        int end = offset;
        while (end < data.limit() && data.get(end) != 0) {
            end++;
        }
        if (end >= data.limit()) {
            throw new InventoryException("rpm header tag " + tag + " has an unterminated string");
        }
        byte[] bytes = new byte[end - offset];
        data.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The files the package owns: BASENAMES joined to DIRNAMES by DIRINDEXES, or the legacy OLDFILENAMES. */
    public List<String> files() {
        return files(new FileListBudget(MAX_VALUES, Long.MAX_VALUE), "rpm header", new ArrayList<>());
    }

    /**
     * The files the package owns, each path taken from {@code budget} (a directory name is repeated for each of its
     * files, so the joined paths can be far larger than the header); once it is spent, an empty list.
     */
    public List<String> files(FileListBudget budget, String where, List<String> warnings) {
        List<String> baseNames = strings(BASENAMES);
        if (baseNames.isEmpty()) {
            List<String> old = strings(OLDFILENAMES);
            for (String file : old) {
                if (!budget.take(file.length(), where, warnings)) {
                    return List.of();
                }
            }
            return old;
        }
        List<String> dirNames = strings(DIRNAMES);
        int[] dirIndexes = int32s(DIRINDEXES);
        if (dirIndexes.length != baseNames.size()) {
            throw new InventoryException("rpm header has " + baseNames.size() + " base names but " + dirIndexes.length
                    + " directory indexes");
        }
        List<String> files = new ArrayList<>(baseNames.size());
        for (int i = 0; i < baseNames.size(); i++) {
            int index = dirIndexes[i];
            if (index < 0 || index >= dirNames.size()) {
                throw new InventoryException("rpm header file " + baseNames.get(i) + " has directory index " + index
                        + " but only " + dirNames.size() + " directories");
            }
            int length = dirNames.get(index).length() + baseNames.get(i).length();
            if (length > MAX_PATH) {
                throw new InventoryException("rpm header file " + BoundedLines.preview(baseNames.get(i))
                        + " has a path of " + length + " characters, longer than any real one");
            }
            if (!budget.take(length, where, warnings)) {
                return List.of();
            }
            files.add(dirNames.get(index) + baseNames.get(i));
        }
        return files;
    }

    /** Whether the blob has a binary tag at all (used to skip region and signature entries). */
    boolean has(int tag) {
        return entries.containsKey(tag);
    }
}
