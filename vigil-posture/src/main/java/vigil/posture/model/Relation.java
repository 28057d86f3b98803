package vigil.posture.model;

import static java.util.Objects.requireNonNull;

/**
 * A reference from one resource to another of the same scan: a bucket to its policy, an instance to its security
 * groups, a pod to its service account. Rules follow it as {@code related.KIND}, a list of the targets' attributes.
 *
 * @param kind the relation's name ({@code security_groups}, {@code policy}, {@code service_account})
 * @param targetId the {@link Resource#id()} it points to; a target not in the scan is left out of the list
 */
public record Relation(String kind, String targetId) {
    public Relation {
        requireNonNull(kind, "kind is null");
        requireNonNull(targetId, "targetId is null");
    }
}
