package vigil.threats.sensor;

/** The sensor could not start or stopped: the message says what failed and what to do. */
public final class SensorException extends RuntimeException {
    public SensorException(String message) {
        super(message);
    }

    /** A message for a failed call, with the error number as the kernel or libbpf gave it. */
    static SensorException of(String what, int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM, operation not permitted: run as root, or with CAP_BPF and CAP_PERFMON";
            case 2 -> "ENOENT, not found: the kernel lacks this tracepoint or its BTF";
            case 7 -> "E2BIG, too big";
            case 12 -> "ENOMEM, out of memory (or the locked-memory limit)";
            case 13 -> "EACCES, permission denied: the verifier refused the program";
            case 22 -> "EINVAL, invalid argument: this kernel does not take this program type";
            case 95, 524 -> "EOPNOTSUPP, not supported by this kernel";
            default -> "errno " + errno;
        };
        return new SensorException(what + " (" + name + ")");
    }
}
