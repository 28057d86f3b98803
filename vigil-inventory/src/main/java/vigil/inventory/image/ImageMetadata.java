package vigil.inventory.image;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the image says about itself.
 *
 * @param configDigest the image id: the digest of its config blob
 * @param manifestDigest the digest of the manifest chosen (OCI), when known
 * @param format "docker-archive", "oci-layout" or "oci-archive"
 */
public record ImageMetadata(
        String format,
        @Nullable String configDigest,
        @Nullable String manifestDigest,
        List<String> repoTags,
        List<String> layers,
        @Nullable String os,
        @Nullable String architecture) {

    public ImageMetadata {
        repoTags = List.copyOf(repoTags);
        layers = List.copyOf(layers);
    }
}
