package vigil.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into addresses: the system's resolver, or a test's. */
@FunctionalInterface
public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    static Resolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
