package vigil.kafka;

import java.nio.file.Path;
import java.time.Clock;
import vigil.server.VigilServer;

/** A Vigil server with a queue in a JVM of its own, for tests that kill it: DATA_DIR DATABASE_URL QUEUE_URL. */
public final class ServerProcess {
    private ServerProcess() {}

    public static void main(String[] args) throws Exception {
        VigilServer server = VigilServer.start(
                new VigilServer.Options(Path.of(args[0]), args[1], "127.0.0.1", 0).withQueue(args[2]),
                Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("listening on " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
