package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import vigil.inventory.InventoryException;

/**
 * SUSE's {@code Packages.db} (rpm's "ndb" backend): a little-endian header naming the number of 4 KiB slot pages,
 * slots pointing at 16-byte blocks, and each block a blob header followed by the rpm header blob.
 */
final class Ndb implements HeaderBlobs {
    private static final int HEADER_MAGIC = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
    private static final int SLOT_MAGIC = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
    private static final int BLOB_MAGIC = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
    private static final int SLOTS_PER_PAGE = 4096 / 16;
    private static final int MAX_SLOT_PAGES = 2048;
    private static final int BLOCK = 16;
    private static final int MAX_BLOB = 64 << 20;

    static boolean looksLike(ByteBuffer firstBytes) {
        return firstBytes.limit() >= 4
                && firstBytes.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == HEADER_MAGIC;
    }

    @Override
    public void read(Path file, String description, Consumer consumer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            BerkeleyDb.readFully(channel, header, 0, description);
            if (header.getInt(0) != HEADER_MAGIC) {
                throw new InventoryException(description + " is not an rpm NDB database (bad magic)");
            }
            if (header.getInt(4) != 0) {
                throw new InventoryException(description + ": unsupported NDB version " + header.getInt(4));
            }
            long slotPages = Integer.toUnsignedLong(header.getInt(12));
            if (slotPages == 0 || slotPages > MAX_SLOT_PAGES) {
                throw new InventoryException(description + ": NDB header claims " + slotPages + " slot pages");
            }
            long slots = slotPages * SLOTS_PER_PAGE - 2;
            ByteBuffer slot = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer blobHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (long index = 0; index < slots; index++) {
                BerkeleyDb.readFully(channel, slot, 32 + index * 16, description);
                if (slot.getInt(0) != SLOT_MAGIC) {
                    throw new InventoryException(description + ": slot " + index + " has a bad magic");
                }
                long packageIndex = Integer.toUnsignedLong(slot.getInt(4));
                if (packageIndex == 0) {
                    continue;
                }
                long block = Integer.toUnsignedLong(slot.getInt(8));
                String where = description + " package " + packageIndex;
                BerkeleyDb.readFully(channel, blobHeader, block * BLOCK, where);
                if (blobHeader.getInt(0) != BLOB_MAGIC) {
                    throw new InventoryException(where + ": blob has a bad magic");
                }
                if (Integer.toUnsignedLong(blobHeader.getInt(4)) != packageIndex) {
                    throw new InventoryException(where + ": blob belongs to package " + blobHeader.getInt(4));
                }
                long length = Integer.toUnsignedLong(blobHeader.getInt(12));
                if (length > MAX_BLOB || block * BLOCK + 16 + length > channel.size()) {
                    throw new InventoryException(where + ": blob of " + length + " bytes does not fit the file");
                }
                ByteBuffer blob = ByteBuffer.allocate((int) length);
                BerkeleyDb.readFully(channel, blob, block * BLOCK + 16, where);
                consumer.accept(blob.array(), where);
            }
        }
    }
}
