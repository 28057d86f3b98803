package vigil.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Which advisory database a scan used, so reports can say how fresh their answer is. */
public record DatabaseInfo(String path, @Nullable Instant builtAt, long advisoryCount) {
    public DatabaseInfo {
        requireNonNull(path, "path is null");
    }
}
