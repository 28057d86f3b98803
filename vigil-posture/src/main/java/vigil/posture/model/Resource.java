package vigil.posture.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One thing a posture rule examines, whatever produced it: a file or sysctl table on a host, a Docker container, a
 * Kubernetes pod, a Terraform resource, an AWS bucket. An S3 bucket is one type ({@code aws_s3_bucket}) whether it
 * comes from Terraform, CloudFormation or the AWS API, so one rule covers all three.
 *
 * @param type the resource type rules select ({@code linux_sshd_config}, {@code docker_container})
 * @param id unique within one scan ({@code /etc/ssh/sshd_config}, a container id, a Terraform address)
 * @param name what people call it
 * @param attributes the resource's normalized values ({@link Values}): maps, lists, strings, longs, doubles,
 *     booleans, null and {@link Unknown}
 * @param relations other resources of the same scan this one refers to, which rules read as {@code related.KIND}
 * @param origin where it was read from, when that is a file (IaC), else null
 */
public record Resource(
        String type,
        String id,
        String name,
        Map<String, Object> attributes,
        List<Relation> relations,
        @Nullable Origin origin) {

    public Resource {
        requireNonNull(type, "type is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        attributes = Values.map(attributes);
        relations = List.copyOf(relations);
    }

    public Resource(String type, String id, String name, Map<String, ?> attributes) {
        this(type, id, name, Values.map(attributes), List.of(), null);
    }

    /** This resource with one more relation. */
    public Resource relate(String kind, String targetId) {
        List<Relation> more = new java.util.ArrayList<>(relations);
        more.add(new Relation(kind, targetId));
        return new Resource(type, id, name, attributes, more, origin);
    }

    /** Where a resource was declared: a file and the line its declaration starts on (1-based, 0 when unknown). */
    public record Origin(String path, int line) {
        public Origin {
            requireNonNull(path, "path is null");
        }

        @Override
        public String toString() {
            return line > 0 ? path + ":" + line : path;
        }
    }
}
