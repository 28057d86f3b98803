package vigil.inventory.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import vigil.inventory.InventoryException;

/**
 * Sits above a decompressor and counts what it produces against the image's total budget and against the bytes the
 * decompressor consumed, so a decompression bomb stops as it streams, before its output is written anywhere.
 */
final class InflationGuard extends FilterInputStream {
    /** The decompressed bytes an image may produce in all, shared by its streams. */
    static final class Budget {
        private final long limit;
        private long used;

        Budget(long limit) {
            this.limit = limit;
        }

        void spend(long bytes, String where) {
            used += bytes;
            if (used > limit) {
                throw new InventoryException(where + ": the image decompresses to more than " + limit
                        + " bytes; refusing it (a decompression bomb?)");
            }
        }
    }

    private final Counting compressed;
    private final boolean isCompressed;
    private final Budget budget;
    private final long maxRatio;
    private final String where;
    private long produced;

    /**
     * @param compressed the stream under the decompressor, counting what it consumed
     * @param isCompressed false for a plain stream, to which no ratio applies
     */
    InflationGuard(
            InputStream decompressed,
            Counting compressed,
            boolean isCompressed,
            Budget budget,
            ImageLimits limits,
            String where) {
        super(decompressed);
        this.compressed = compressed;
        this.isCompressed = isCompressed;
        this.budget = budget;
        this.maxRatio = limits.maxCompressionRatio();
        this.where = where;
    }

    private void count(long bytes) {
        produced += bytes;
        budget.spend(bytes, where);
        if (isCompressed
                && produced > ImageLimits.RATIO_GRACE_BYTES
                && produced / Math.max(1, compressed.count()) > maxRatio) {
            throw new InventoryException(where + ": " + compressed.count() + " compressed bytes expand to more than "
                    + produced + " (over " + maxRatio + " times); refusing it (a decompression bomb?)");
        }
    }

    @Override
    public int read() throws IOException {
        int value = super.read();
        if (value >= 0) {
            count(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        if (read > 0) {
            count(read);
        }
        return read;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    /** Counts the bytes read through it; the position in the underlying stream when that started at zero. */
    static final class Counting extends FilterInputStream {
        private long count;

        Counting(InputStream input) {
            super(input);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                count++;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count += read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                count += skipped;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
