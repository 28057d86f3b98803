package vigil.inventory;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;

/**
 * A regular file of a root filesystem, already open: readers get the bytes of the file that was resolved inside
 * the root, never a path the OS would resolve again (and follow links in). {@code name} names it in messages
 * ("/var/lib/dpkg/status in rootfs ./debian"); {@code size} is its size when it was opened.
 */
public final class RootFile implements Closeable {
    private final SeekableByteChannel channel;
    private final long size;
    private final String name;

    public RootFile(SeekableByteChannel channel, long size, String name) {
        this.channel = requireNonNull(channel, "channel is null");
        this.size = size;
        this.name = requireNonNull(name, "name is null");
    }

    public SeekableByteChannel channel() {
        return channel;
    }

    public long size() {
        return size;
    }

    public String name() {
        return name;
    }

    /**
     * The file from its current position, failing once more than {@code limit} bytes were read (the file may grow
     * while it is read): a limit both on memory and on time.
     */
    public InputStream stream(long limit) {
        return new LimitedInputStream(Channels.newInputStream(channel), limit, name);
    }

    /** Fills {@code buffer} from byte {@code position}; a file that ends first is named as truncated. */
    public static void readFully(SeekableByteChannel channel, ByteBuffer buffer, long position, String where)
            throws IOException {
        buffer.clear();
        long at = position;
        while (buffer.hasRemaining()) {
            channel.position(at);
            int read = channel.read(buffer);
            if (read < 0) {
                throw new InventoryException(where + " ends early (truncated at byte " + at + ")", new EOFException());
            }
            at += read;
        }
        buffer.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Counts what passes and refuses to go past the limit. */
    private static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private final String name;
        private long count;

        LimitedInputStream(InputStream in, long limit, String name) {
            this.in = in;
            this.limit = limit;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = in.read(buffer, offset, length);
            if (read > 0) {
                count += read;
                if (count > limit) {
                    throw new InventoryException(name + " is larger than the " + limit
                            + " bytes Vigil reads from such a file; it is not a real one");
                }
            }
            return read;
        }

        @Override
        public void close() {
            // the channel belongs to the RootFile, closed with it
        }
    }
}
