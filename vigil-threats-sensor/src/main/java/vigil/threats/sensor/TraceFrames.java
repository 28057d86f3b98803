package vigil.threats.sensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One {@code vigil-trace} connection's stream cut into records (ADR 0053): each frame is a little-endian 32-bit length
 * and that many bytes of a record in the eBPF sensor's layout. Bytes arrive in any pieces; a length no record has
 * (shorter than a header, longer than an exec record) or a record {@link Records} refuses is an
 * IllegalArgumentException naming it, after which the stream is not read further. Memory is bounded by the largest
 * record.
 */
public final class TraceFrames {
    private final ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private @Nullable ByteBuffer record;

    /** Takes what {@code in} holds (to its limit); every whole record in it goes to {@code sink}; how many did. */
    public int feed(ByteBuffer in, Consumer<SensorRecord> sink) {
        int records = 0;
        while (in.hasRemaining()) {
            ByteBuffer pending = record;
            ByteBuffer target = pending == null ? length : pending;
            int take = Math.min(target.remaining(), in.remaining());
            target.put(in.slice(in.position(), take));
            in.position(in.position() + take);
            if (target.hasRemaining()) {
                break;
            }
            if (pending == null) {
                int size = length.flip().getInt();
                length.clear();
                if (size < Records.HEADER || size > Records.EXEC_SIZE) {
                    throw new IllegalArgumentException(
                            "a frame of " + Integer.toUnsignedString(size) + " bytes, which no record has");
                }
                record = ByteBuffer.allocate(size);
            } else {
                record = null;
                sink.accept(Records.read(MemorySegment.ofArray(pending.array())));
                records++;
            }
        }
        return records;
    }
}
