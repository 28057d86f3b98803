package vigil.features.matrix;

import java.util.Locale;

/** The deployment types of the seed's table. */
public enum DeploymentType {
    DOCKER("Docker"),
    KUBERNETES("Kubernetes"),
    LINUX("Linux"),
    ECS_EKS("Amazon ECS/EKS"),
    AWS_ACCOUNT("AWS Account"),
    AZURE_ACCOUNT("Azure Account"),
    GCP_ACCOUNT("GCP Account"),
    WINDOWS("Windows"),
    FARGATE("AWS Fargate ECS/EKS"),
    TERRAFORM("Terraform");

    private final String displayName;

    DeploymentType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeploymentType ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
