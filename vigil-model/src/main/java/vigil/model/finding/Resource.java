package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The thing a finding is about.
 *
 * @param type {@code host}, {@code container_image}, {@code aws_s3_bucket}, ...
 * @param id a stable identifier (host id, image digest, cloud ARN)
 * @param account the cloud account, subscription or project, when there is one
 * @param host the host the resource lives on, when there is one
 * @param image the container image, when there is one
 */
public record Resource(
        String type,
        String id,
        String name,
        @Nullable String account,
        @Nullable String host,
        @Nullable String image,
        Map<String, String> tags) {

    public Resource {
        requireNonNull(type, "type is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        tags = Map.copyOf(new TreeMap<>(tags));
    }
}
