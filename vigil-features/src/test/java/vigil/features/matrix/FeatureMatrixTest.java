package vigil.features.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeatureMatrixTest {
    @Test
    void offeredOnFollowsTheSeedsOrder() {
        FeatureMatrix matrix = FeatureMatrix.defaults();
        assertThat(matrix.offeredOn(Capability.VULNERABILITIES))
                .containsExactly(DeploymentType.KUBERNETES, DeploymentType.LINUX, DeploymentType.ECS_EKS);
        assertThat(matrix.offeredOn(Capability.AGENTLESS_SCANNING))
                .containsExactly(DeploymentType.AWS_ACCOUNT, DeploymentType.TERRAFORM);
        assertThat(matrix.withAgentMinimumVersion("0.3.0").agentMinimumVersion())
                .isEqualTo("0.3.0");
    }

    @Test
    void brokenMatrixFilesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FeatureMatrix.parse(stream("{not json"))).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> FeatureMatrix.parse(stream("{\"deployments\": []}")))
                .hasMessageContaining("no row for Docker");
        assertThatThrownBy(() -> FeatureMatrix.parse(
                        stream("{\"deployments\": [{\"id\": \"mainframe\", \"capabilities\": {}}]}")))
                .hasMessageContaining("invalid")
                .hasMessageContaining("MAINFRAME");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
