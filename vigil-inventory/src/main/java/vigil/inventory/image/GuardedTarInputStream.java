package vigil.inventory.image;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;
import vigil.inventory.InventoryException;

/**
 * A tar reader that checks every header record before commons-compress acts on it: a pax extended header or GNU
 * long name claiming more than {@link ImageLimits#maxHeaderBytes()} is refused before it is buffered, and header
 * records are counted so a stream of headers without entries (global pax headers, sparse extensions) is bounded.
 */
final class GuardedTarInputStream extends TarArchiveInputStream {
    private final ImageLimits limits;
    private final String where;
    private long records;

    GuardedTarInputStream(InputStream input, ImageLimits limits, String where) {
        super(input);
        this.limits = limits;
        this.where = where;
    }

    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
        if (record == null || record.length < 512 || isEOFRecord(record)) {
            return record;
        }
        if (++records > 4 * limits.maxEntries() + 16) {
            throw new InventoryException(where + ": more than " + limits.maxEntries()
                    + " entries' worth of tar headers; refusing it (a tar bomb?)");
        }
        byte type = record[156];
        if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K') {
            long size = TarUtils.parseOctalOrBinary(record, 124, 12);
            if (size > limits.maxHeaderBytes()) {
                throw new InventoryException(where + ": a tar extended header (pax or GNU long name) of " + size
                        + " bytes, more than the " + limits.maxHeaderBytes() + " Vigil reads; refusing it");
            }
        }
        return record;
    }
}
