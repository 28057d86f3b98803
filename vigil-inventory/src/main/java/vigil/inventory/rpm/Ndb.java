package vigil.inventory.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.HashSet;
import java.util.Set;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.RootFile;

/**
 * SUSE's {@code Packages.db} (rpm's "ndb" backend): a little-endian header naming the number of 4 KiB slot pages,
 * slots pointing at 16-byte blocks, and each block a blob header followed by the rpm header blob. Slots must lie in
 * the file, no block is read twice and the blobs together cannot be larger than the file: however the slots point,
 * the work is bounded by the file's size.
 */
final class Ndb implements HeaderBlobs {
    private static final int HEADER_MAGIC = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
    private static final int SLOT_MAGIC = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
    private static final int BLOB_MAGIC = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
    private static final int SLOTS_PER_PAGE = 4096 / 16;
    private static final int MAX_SLOT_PAGES = 2048;
    private static final int BLOCK = 16;

    static boolean looksLike(ByteBuffer firstBytes) {
        return firstBytes.limit() >= 4
                && firstBytes.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == HEADER_MAGIC;
    }

    @Override
    public void read(RootFile file, Consumer consumer) throws IOException {
        String description = file.name();
        LimitedFiles.refuseLarger(file, LimitedFiles.DATABASE_LIMIT);
        SeekableByteChannel channel = file.channel();
        long size = Math.min(file.size(), channel.size());
        ByteBuffer header = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        RootFile.readFully(channel, header, 0, description);
        if (header.getInt(0) != HEADER_MAGIC) {
            throw new InventoryException(description + " is not an rpm NDB database (bad magic)");
        }
        if (header.getInt(4) != 0) {
            throw new InventoryException(description + ": unsupported NDB version " + header.getInt(4));
        }
        long slotPages = Integer.toUnsignedLong(header.getInt(12));
        if (slotPages == 0 || slotPages > MAX_SLOT_PAGES || slotPages * 4096 > size) {
            throw new InventoryException(description + ": NDB header claims " + slotPages
                    + " slot pages, which a file of " + size + " bytes cannot hold");
        }
        long slots = slotPages * SLOTS_PER_PAGE - 2;
        long slotEnd = slotPages * 4096;
        ByteBuffer slotPage = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer blobHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        Set<Long> blocks = new HashSet<>();
        long blobBytes = 0;
        long loadedPage = -1;
        for (long index = 0; index < slots; index++) {
            long at = 32 + index * 16;
            long pageNumber = at / 4096;
            if (pageNumber != loadedPage) {
                RootFile.readFully(channel, slotPage, pageNumber * 4096, description);
                loadedPage = pageNumber;
            }
            int inPage = (int) (at % 4096);
            if (slotPage.getInt(inPage) != SLOT_MAGIC) {
                throw new InventoryException(description + ": slot " + index + " has a bad magic");
            }
            long packageIndex = Integer.toUnsignedLong(slotPage.getInt(inPage + 4));
            if (packageIndex == 0) {
                continue;
            }
            long block = Integer.toUnsignedLong(slotPage.getInt(inPage + 8));
            String where = description + " package " + packageIndex;
            if (block * BLOCK < slotEnd || block * BLOCK + 16 > size) {
                throw new InventoryException(where + ": blob at block " + block + " is outside the data area");
            }
            if (!blocks.add(block)) {
                throw new InventoryException(where + ": blob at block " + block + " is claimed by two slots");
            }
            RootFile.readFully(channel, blobHeader, block * BLOCK, where);
            if (blobHeader.getInt(0) != BLOB_MAGIC) {
                throw new InventoryException(where + ": blob has a bad magic");
            }
            if (Integer.toUnsignedLong(blobHeader.getInt(4)) != packageIndex) {
                throw new InventoryException(where + ": blob belongs to package " + blobHeader.getInt(4));
            }
            long length = Integer.toUnsignedLong(blobHeader.getInt(12));
            blobBytes += length + 16;
            if (length > MAX_BLOB || block * BLOCK + 16 + length > size || blobBytes > size) {
                throw new InventoryException(where + ": blob of " + length + " bytes does not fit the file");
            }
            ByteBuffer blob = ByteBuffer.allocate((int) length);
            RootFile.readFully(channel, blob, block * BLOCK + 16, where);
            consumer.accept(blob.array(), where);
        }
    }
}
