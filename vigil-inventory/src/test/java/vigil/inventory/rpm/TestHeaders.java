package vigil.inventory.rpm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds rpm header blobs (index entries, then the data store) as rpm stores them in its databases. */
public final class TestHeaders {
    /** One index entry and its data. */
    private static final class Tag {
        private final int tag;
        private final int type;
        private final int count;
        private final byte[] data;
        private final int align;

        Tag(int tag, int type, int count, byte[] data, int align) {
            this.tag = tag;
            this.type = type;
            this.count = count;
            this.data = data;
            this.align = align;
        }
    }

    private final List<Tag> tags = new ArrayList<>();

    public static TestHeaders packageNamed(String name, String version, String release) {
        return new TestHeaders()
                .string(RpmHeader.NAME, name)
                .string(RpmHeader.VERSION, version)
                .string(RpmHeader.RELEASE, release)
                .string(RpmHeader.ARCH, "x86_64");
    }

    TestHeaders string(int tag, String value) {
        tags.add(new Tag(tag, 6, 1, (value + "\0").getBytes(StandardCharsets.UTF_8), 1));
        return this;
    }

    /** A string array of {@code count} values, all {@code value}. */
    TestHeaders strings(int tag, String value, int count) {
        byte[] one = (value + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[one.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(one, 0, data, i * one.length, one.length);
        }
        tags.add(new Tag(tag, 8, count, data, 1));
        return this;
    }

    /** An int32 array of {@code count} zeros. */
    TestHeaders zeros(int tag, int count) {
        tags.add(new Tag(tag, 4, count, new byte[4 * count], 4));
        return this;
    }

    public byte[] blob() {
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        ByteBuffer index = ByteBuffer.allocate(tags.size() * 16);
        for (Tag tag : tags) {
            while (store.size() % tag.align != 0) {
                store.write(0);
            }
            index.putInt(tag.tag).putInt(tag.type).putInt(store.size()).putInt(tag.count);
            store.writeBytes(tag.data);
        }
        return ByteBuffer.allocate(8 + index.capacity() + store.size())
                .putInt(tags.size())
                .putInt(store.size())
                .put(index.array())
                .put(store.toByteArray())
                .array();
    }
}
