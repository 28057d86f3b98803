package vigil.posture.engine;

import static java.util.Objects.requireNonNull;

/**
 * One value a rule read while deciding, as evidence: {@code PermitRootLogin -> "yes"}, {@code rules[].port -> 22}.
 * A path under {@code related.} was read from a related resource.
 */
public record FieldRead(String path, String value) {
    public FieldRead {
        requireNonNull(path, "path is null");
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return path + " -> " + value;
    }
}
