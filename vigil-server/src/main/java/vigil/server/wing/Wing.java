package vigil.server.wing;

import java.io.IOException;
import vigil.features.matrix.Capability;

/**
 * A capability's server side, plugged into the core (ADR 0037): found on the class path with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/vigil.server.wing.Wing}), started once when the server starts and
 * closed when it stops. The core never names a wing; a wing uses the core's stores, intake and web UI through what
 * {@link WingContext} hands it, and no other wing.
 */
public interface Wing {
    /** The capability it builds: the setup page calls a capability "enabled" only where some wing builds it. */
    Capability capability();

    /** Starts the wing on the server's store; what it returns lives until the server stops. */
    StartedWing start(WingContext context) throws IOException;
}
