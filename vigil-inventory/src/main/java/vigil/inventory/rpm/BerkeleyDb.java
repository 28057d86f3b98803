package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.BitSet;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.RootFile;

/**
 * The classic {@code Packages} file: a Berkeley DB hash database. Pages are read one at a time; every hash page's
 * values that live on overflow pages are rpm headers, reassembled by following the overflow chain. Every page
 * belongs to at most one chain (a page seen twice is a cycle or a shared chain, refused), a value's declared length
 * must fit the file before it is allocated, and the chain must deliver exactly that length: the work is bounded by
 * the file's size, whatever its page numbers say.
 */
final class BerkeleyDb implements HeaderBlobs {
    private static final int HASH_MAGIC = 0x061561;
    private static final int PAGE_HEADER = 26;
    private static final int PAGE_HASH_UNSORTED = 2;
    private static final int PAGE_OVERFLOW = 7;
    private static final int PAGE_HASH = 13;
    private static final int ITEM_OFFPAGE = 3;

    static boolean looksLike(ByteBuffer firstBytes) {
        if (firstBytes.limit() < 16) {
            return false;
        }
        return firstBytes.order(ByteOrder.LITTLE_ENDIAN).getInt(12) == HASH_MAGIC
                || firstBytes.order(ByteOrder.BIG_ENDIAN).getInt(12) == HASH_MAGIC;
    }

    @Override
    public void read(RootFile file, Consumer consumer) throws IOException {
        String description = file.name();
        LimitedFiles.refuseLarger(file, LimitedFiles.DATABASE_LIMIT);
        SeekableByteChannel channel = file.channel();
        ByteBuffer meta = ByteBuffer.allocate(512);
        RootFile.readFully(channel, meta, 0, description);
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
        long pagesInFile = Math.min(file.size(), channel.size()) / pageSize;
        if (lastPage >= pagesInFile) {
            lastPage = pagesInFile - 1; // the meta page claims more pages than the file has: read what is there
        }
        BitSet used = new BitSet((int) Math.max(lastPage + 1, 1));
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
        for (long number = 1; number <= lastPage; number++) {
            RootFile.readFully(channel, page, number * pageSize, description);
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
                consumer.accept(overflow(channel, first, length, pageSize, lastPage, order, used, where), where);
            }
        }
    }

    private static byte[] overflow(
            SeekableByteChannel channel,
            long first,
            long length,
            int pageSize,
            long lastPage,
            ByteOrder order,
            BitSet used,
            String where)
            throws IOException {
        int perPage = pageSize - PAGE_HEADER;
        if (length > MAX_BLOB) {
            throw new InventoryException(where + ": value of " + length + " bytes is larger than any rpm header");
        }
        if (length > lastPage * perPage) {
            throw new InventoryException(
                    where + ": value of " + length + " bytes cannot fit in the file's " + lastPage + " pages");
        }
        byte[] value = new byte[(int) length];
        int filled = 0;
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
        long current = first;
        while (current != 0) {
            if (current > lastPage || used.get((int) current)) {
                throw new InventoryException(where + ": overflow chain is broken at page " + current
                        + (current > lastPage ? " (past the end of the file)" : " (a page already used: a cycle)"));
            }
            used.set((int) current);
            RootFile.readFully(channel, page, current * pageSize, where);
            if ((page.get(25) & 0xff) != PAGE_OVERFLOW) {
                throw new InventoryException(
                        where + ": page " + current + " of the overflow chain is not an overflow page");
            }
            long next = Integer.toUnsignedLong(page.getInt(16));
            int bytes = next == 0 ? page.getShort(22) & 0xffff : perPage;
            if (bytes > perPage || filled + bytes > length) {
                throw new InventoryException(where + ": overflow page " + current + " holds more than the " + length
                        + " bytes the value declares");
            }
            System.arraycopy(page.array(), PAGE_HEADER, value, filled, bytes);
            filled += bytes;
            current = next;
        }
        if (filled != length) {
            throw new InventoryException(
                    where + ": overflow chain holds " + filled + " bytes but the value declares " + length);
        }
        return value;
    }
}
