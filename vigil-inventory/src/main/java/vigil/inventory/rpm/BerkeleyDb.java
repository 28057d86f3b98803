package vigil.inventory.rpm;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import vigil.inventory.InventoryException;

/**
 * The classic {@code Packages} file: a Berkeley DB hash database. Pages are read one at a time; every hash page's
 * values that live on overflow pages are rpm headers, reassembled by following the overflow chain (with a cycle
 * check and a size cap).
 */
final class BerkeleyDb implements HeaderBlobs {
    private static final int HASH_MAGIC = 0x061561;
    private static final int PAGE_HEADER = 26;
    private static final int PAGE_HASH_UNSORTED = 2;
    private static final int PAGE_OVERFLOW = 7;
    private static final int PAGE_HASH = 13;
    private static final int ITEM_OFFPAGE = 3;
    private static final int MAX_HEADER = 64 << 20;

    static boolean looksLike(ByteBuffer firstBytes) {
        if (firstBytes.limit() < 16) {
            return false;
        }
        return firstBytes.order(ByteOrder.LITTLE_ENDIAN).getInt(12) == HASH_MAGIC
                || firstBytes.order(ByteOrder.BIG_ENDIAN).getInt(12) == HASH_MAGIC;
    }

    @Override
    public void read(Path file, String description, Consumer consumer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer meta = ByteBuffer.allocate(512);
            readFully(channel, meta, 0, description);
            ByteOrder order;
            if (meta.order(ByteOrder.LITTLE_ENDIAN).getInt(12) == HASH_MAGIC) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (meta.order(ByteOrder.BIG_ENDIAN).getInt(12) == HASH_MAGIC) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw new InventoryException(description + " is not a Berkeley DB hash database (bad magic)");
            }
            meta.order(order);
            int pageSize = meta.getInt(20);
            if (Integer.bitCount(pageSize) != 1 || pageSize < 512 || pageSize > 65536) {
                throw new InventoryException(description + ": unexpected Berkeley DB page size " + pageSize);
            }
            long lastPage = Integer.toUnsignedLong(meta.getInt(32));
            long pagesInFile = channel.size() / pageSize;
            if (lastPage >= pagesInFile) {
                lastPage = pagesInFile - 1;
            }
            ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
            for (long number = 1; number <= lastPage; number++) {
                readFully(channel, page, number * pageSize, description);
                int type = page.get(25) & 0xff;
                if (type != PAGE_HASH && type != PAGE_HASH_UNSORTED) {
                    continue;
                }
                int entries = page.getShort(20) & 0xffff;
                if (PAGE_HEADER + entries * 2 > pageSize) {
                    throw new InventoryException(description + " page " + number + " claims " + entries + " entries");
                }
                for (int entry = 1; entry < entries; entry += 2) {
                    int offset = page.getShort(PAGE_HEADER + entry * 2) & 0xffff;
                    if (offset >= pageSize) {
                        throw new InventoryException(
                                description + " page " + number + " entry " + entry + " points past the page");
                    }
                    if ((page.get(offset) & 0xff) != ITEM_OFFPAGE) {
                        continue; // small values kept on the page are index data, not package headers
                    }
                    if (offset + 12 > pageSize) {
                        throw new InventoryException(
                                description + " page " + number + " entry " + entry + " is cut off by the page end");
                    }
                    long first = Integer.toUnsignedLong(page.getInt(offset + 4));
                    long length = Integer.toUnsignedLong(page.getInt(offset + 8));
                    String where = description + " page " + number + " entry " + entry;
                    consumer.accept(overflow(channel, first, length, pageSize, lastPage, order, where), where);
                }
            }
        }
    }

    private static byte[] overflow(
            FileChannel channel, long first, long length, int pageSize, long lastPage, ByteOrder order, String where)
            throws IOException {
        if (length > MAX_HEADER) {
            throw new InventoryException(where + ": value of " + length + " bytes is larger than any rpm header");
        }
        ByteArrayOutputStream value = new ByteArrayOutputStream((int) length);
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
        Set<Long> seen = new HashSet<>();
        long current = first;
        while (current != 0) {
            if (current > lastPage || !seen.add(current)) {
                throw new InventoryException(where + ": overflow chain is broken at page " + current);
            }
            readFully(channel, page, current * pageSize, where);
            if ((page.get(25) & 0xff) != PAGE_OVERFLOW) {
                throw new InventoryException(
                        where + ": page " + current + " of the overflow chain is not an overflow page");
            }
            long next = Integer.toUnsignedLong(page.getInt(16));
            int used = next == 0 ? page.getShort(22) & 0xffff : pageSize - PAGE_HEADER;
            if (used > pageSize - PAGE_HEADER) {
                throw new InventoryException(where + ": overflow page " + current + " claims " + used + " bytes");
            }
            value.write(page.array(), PAGE_HEADER, used);
            if (value.size() > MAX_HEADER) {
                throw new InventoryException(where + ": overflow chain exceeds " + MAX_HEADER + " bytes");
            }
            current = next;
        }
        return value.toByteArray();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position, String where) throws IOException {
        buffer.clear();
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new InventoryException(where + " ends early (truncated at byte " + at + ")", new EOFException());
            }
            at += read;
        }
        buffer.flip();
    }
}
