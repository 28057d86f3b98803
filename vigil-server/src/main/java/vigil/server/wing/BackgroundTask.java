package vigil.server.wing;

import java.time.Duration;

/**
 * Work a wing repeats while the server runs: first after {@code initial}, then {@code delay} after each round ends. A
 * round that throws is logged and tried again next round; it never stops the task.
 */
public record BackgroundTask(String name, Duration initial, Duration delay, Runnable round) {}
