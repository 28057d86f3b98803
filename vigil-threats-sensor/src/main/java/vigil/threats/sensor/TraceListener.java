package vigil.threats.sensor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agent's end of {@code vigil-trace} (ADR 0053): where no eBPF can run (ECS Fargate), the workload runs under the
 * ptrace launcher, which connects to this Unix socket, is told the system calls the rules are about, and writes each
 * event as the eBPF sensor's record (records.h), framed by its length. Records are read on the thread that polls, as
 * the sensor's are. A connection that sends what is not a record (a length no record has, a record
 * {@link Records} refuses) is closed, counted and named in a warning; the others go on.
 */
public final class TraceListener implements EventSource {
    /** Where the launcher looks when not told otherwise ({@code $VIGIL_TRACE_SOCKET}). */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/vigil/trace.sock");

    static final int MAGIC = 0x52544756; // "VGTR", little-endian on the wire
    static final int VERSION = 1;
    /** At most this many launchers at once (each traced container runs one). */
    static final int MAX_CONNECTIONS = 64;

    private final Path socket;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Consumer<SensorRecord> sink;
    private final ByteBuffer hello;
    private final AtomicLong refused = new AtomicLong();
    private final Consumer<String> warnings;

    /** What is read from a launcher at a time. */
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);

    private TraceListener(
            Path socket,
            ServerSocketChannel server,
            Selector selector,
            Consumer<SensorRecord> sink,
            Set<Integer> syscalls,
            Consumer<String> warnings) {
        this.socket = socket;
        this.server = server;
        this.selector = selector;
        this.sink = sink;
        this.warnings = warnings;
        this.hello = ByteBuffer.allocate(12 + 4 * syscalls.size()).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(MAGIC).putInt(VERSION).putInt(syscalls.size());
        syscalls.forEach(hello::putInt);
        hello.flip();
    }

    /**
     * Listens on {@code socket} (a stale socket file there is replaced; its directory is made), telling each launcher
     * to stop at {@code syscalls} (the numbers of the calls the rules' event types are made of, and of the opens,
     * connects and binds when rules are about those).
     */
    public static TraceListener start(
            Path socket, Consumer<SensorRecord> sink, Set<Integer> syscalls, Consumer<String> warnings) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // a socket left by an earlier run is replaced; anything else there is not the agent's to remove
                Object mode = Files.getAttribute(socket, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!(mode instanceof Integer bits) || (bits & 0170000) != 0140000) {
                    throw new SensorException("cannot listen for vigil-trace on " + socket
                            + ": something other than a socket is there; remove it or choose another --trace-socket");
                }
                Files.delete(socket);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            // the workload's user connects, whoever that is: the socket lives on a volume only the task's containers
            // share (deploy/ecs)
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            return new TraceListener(socket, server, selector, sink, syscalls, warnings);
        } catch (SensorException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SensorException("cannot listen for vigil-trace on " + socket + ": " + e.getMessage()
                    + " (the directory must be writable by the agent)");
        }
    }

    /** The system calls a launcher stops at for rules about {@code types}: the eBPF sensor's, and the opens. */
    public static Set<Integer> syscalls(Set<Integer> others, boolean opens, boolean connects, boolean binds) {
        Set<Integer> all = new java.util.TreeSet<>(others);
        if (opens) {
            all.addAll(List.of(2, 85, 257, 437)); // open, creat, openat, openat2
        }
        if (connects) {
            all.add(42);
        }
        if (binds) {
            all.add(49);
        }
        return all;
    }

    @Override
    public int poll(int timeoutMillis) {
        int records = 0;
        try {
            selector.select(Math.max(timeoutMillis, 1));
            List<SelectionKey> ready = new ArrayList<>(selector.selectedKeys());
            selector.selectedKeys().clear();
            for (SelectionKey key : ready) {
                if (!key.isValid()) {
                    continue;
                }
                if (key.isAcceptable()) {
                    accept();
                } else if (key.isReadable()) {
                    records += read(key);
                }
            }
        } catch (IOException e) {
            warnings.accept("vigil-trace socket " + socket + ": " + e.getMessage());
        }
        return records;
    }

    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        if (selector.keys().size() > MAX_CONNECTIONS) {
            warnings.accept("vigil-trace: more than " + MAX_CONNECTIONS + " launchers at once; one refused");
            refused.incrementAndGet();
            channel.close();
            return;
        }
        // the hello is a few hundred bytes at most: it fits the socket's buffer in one blocking write
        channel.configureBlocking(true);
        ByteBuffer greeting = hello.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (greeting.hasRemaining()) {
            channel.write(greeting);
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, new TraceFrames());
    }

    /** Reads what one launcher sent: every whole record in it goes to the sink. */
    private int read(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        TraceFrames frames = (TraceFrames) key.attachment();
        int records = 0;
        for (int pass = 0; pass < 16; pass++) { // bounded: one busy launcher does not starve the others
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException gone) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                channel.close();
                return records;
            }
            if (n == 0) {
                return records; // the rest comes later
            }
            buffer.flip();
            try {
                records += frames.feed(buffer, sink);
            } catch (IllegalArgumentException e) {
                refuse(key, String.valueOf(e.getMessage()));
                return records;
            }
        }
        return records;
    }

    private void refuse(SelectionKey key, String why) throws IOException {
        refused.incrementAndGet();
        warnings.accept("vigil-trace: a launcher sent " + why + "; its connection is closed");
        key.cancel();
        key.channel().close();
    }

    /** Connections closed for sending what was not a record, or refused for too many launchers. */
    public long refused() {
        return refused.get();
    }

    /** Launchers connected now. */
    public int connections() {
        return (int) selector.keys().stream()
                .filter(k -> k.channel() instanceof SocketChannel)
                .count();
    }

    @Override
    public Map<String, Long> lost() {
        // nothing is dropped on the way: a launcher waits for the socket (the workload's traced call with it)
        Map<String, Long> lost = new TreeMap<>();
        for (int kind = 1; kind < Records.KINDS; kind++) {
            lost.put(Records.kindName(kind), 0L);
        }
        return lost;
    }

    @Override
    public long approverDrops() {
        return 0;
    }

    @Override
    public List<String> programs() {
        return List.of("vigil-trace launchers on " + socket);
    }

    @Override
    public String kind() {
        return "ptrace";
    }

    @Override
    public void close() {
        try {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            warnings.accept("vigil-trace: closing " + socket + ": " + e.getMessage());
        }
    }
}
