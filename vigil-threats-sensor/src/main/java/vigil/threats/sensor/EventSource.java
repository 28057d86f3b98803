package vigil.threats.sensor;

import java.util.List;
import java.util.Map;

/**
 * Where the rules' events come from: the eBPF {@link Sensor}, or the {@link FallbackSensor} (fanotify and the proc
 * connector) where eBPF cannot run. Each reads its records on the thread that polls and hands them to its sink.
 */
public interface EventSource extends AutoCloseable {
    /** Reads what is there, waiting up to {@code timeoutMillis}; how many records were read. */
    int poll(int timeoutMillis);

    /** Records lost (the kernel's buffer was full), by kind. */
    Map<String, Long> lost();

    /** Opens left out in the kernel because no rule is about their path (eBPF's approvers); 0 without them. */
    long approverDrops();

    /** What it is attached to: the eBPF programs, or the fallback's kernel interfaces. */
    List<String> programs();

    /** {@code ebpf} or {@code fallback}, as the sensor status says. */
    String kind();

    @Override
    void close();
}
