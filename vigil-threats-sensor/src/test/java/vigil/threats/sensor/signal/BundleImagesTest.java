package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images from the OCI bundles containerd's CRI plugin and CRI-O write under the host's /run. */
class BundleImagesTest {
    private static final String ID = "4f1c9b7a0e2d3c5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f00112233aabb";

    /** A bundle's config.json as the runtimes write it (trimmed): the OCI runtime spec with the CRI annotations. */
    private static String config(String annotations) {
        return """
                {"ociVersion":"1.0.2-dev","process":{"user":{"uid":0,"gid":0},"args":["/pause"],"cwd":"/"},
                 "root":{"path":"rootfs"},"hostname":"shop-7d9f",
                 "annotations":{%s}}
                """.formatted(annotations);
    }

    private static Path containerd(Path run, String namespace, String id, String json) throws Exception {
        Path bundle = Files.createDirectories(
                run.resolve("containerd/io.containerd.runtime.v2.task/" + namespace + "/" + id));
        return Files.writeString(bundle.resolve("config.json"), json);
    }

    private static Path crio(Path run, String id, String json) throws Exception {
        Path bundle = Files.createDirectories(run.resolve("containers/storage/overlay-containers/" + id + "/userdata"));
        return Files.writeString(bundle.resolve("config.json"), json);
    }

    @Test
    void containerdsCriAnnotationNamesTheImage(@TempDir Path run) throws Exception {
        containerd(run, "moby", "a".repeat(64), config("")); // Docker's containers: no CRI annotation
        containerd(run, "k8s.io", ID, config("""
                "io.kubernetes.cri.container-type":"container","io.kubernetes.cri.container-name":"shop",
                "io.kubernetes.cri.image-name":"registry.example/shop:1.4",
                "io.kubernetes.cri.sandbox-namespace":"default\""""));
        BundleImages images = new BundleImages(run);
        assertThat(images.image(ID)).isEqualTo("registry.example/shop:1.4");
        assertThat(images.image("a".repeat(64))).isNull();
    }

    @Test
    void crioAnnotationNamesTheImage(@TempDir Path run) throws Exception {
        crio(run, ID, config("""
                "io.kubernetes.cri-o.ContainerType":"container",
                "io.kubernetes.cri-o.ImageName":"quay.example/team/api:2024.1",
                "io.kubernetes.cri-o.ImageRef":"sha256:0123\""""));
        assertThat(new BundleImages(run).image(ID)).isEqualTo("quay.example/team/api:2024.1");
    }

    @Test
    void aBundleThatAppearsLaterIsFoundThenCached(@TempDir Path run) throws Exception {
        BundleImages images = new BundleImages(run);
        assertThat(images.image(ID)).as("no bundle yet").isNull();
        Path config = containerd(run, "k8s.io", ID, config("\"io.kubernetes.cri.image-name\":\"shop:1\""));
        assertThat(images.image(ID)).isEqualTo("shop:1");
        Files.delete(config);
        assertThat(images.image(ID)).as("cached once found").isEqualTo("shop:1");
    }

    @Test
    void badBundlesGiveNoImage(@TempDir Path run, @TempDir Path elsewhere) throws Exception {
        BundleImages images = new BundleImages(run);
        assertThat(images.image("../../etc/passwd")).as("not an id").isNull();
        String malformed = "b".repeat(64);
        containerd(run, "k8s.io", malformed, "{\"annotations\": [1, 2");
        assertThat(images.image(malformed)).isNull();
        String wrongType = "c".repeat(64);
        containerd(run, "k8s.io", wrongType, "{\"annotations\": {\"io.kubernetes.cri.image-name\": 7}}");
        assertThat(images.image(wrongType)).isNull();
        // a config.json that is a link to a file elsewhere is not followed
        String linked = "d".repeat(64);
        Path target = Files.writeString(
                elsewhere.resolve("config.json"), config("\"io.kubernetes.cri.image-name\":\"planted:1\""));
        Path bundle = Files.createDirectories(run.resolve("containerd/io.containerd.runtime.v2.task/k8s.io/" + linked));
        Files.createSymbolicLink(bundle.resolve("config.json"), target);
        assertThat(images.image(linked)).isNull();
        // larger than the bound: not read
        String big = "e".repeat(64);
        containerd(
                run,
                "k8s.io",
                big,
                config("\"io.kubernetes.cri.image-name\":\"big:1\",\"pad\":\""
                        + "x".repeat((int) BundleImages.MAX_CONFIG) + "\""));
        assertThat(images.image(big)).isNull();
    }

    @Test
    void theFirstAnswerOfSeveralSourcesWins(@TempDir Path run) throws Exception {
        containerd(run, "k8s.io", ID, config("\"io.kubernetes.cri.image-name\":\"from-bundle:1\""));
        SignalMaker.Images images = SignalMaker.Images.firstOf(
                new BundleImages(run), id -> id.equals(ID) ? "from-docker:1" : "docker-only:1");
        assertThat(images.image(ID)).isEqualTo("from-bundle:1");
        assertThat(images.image("f".repeat(64))).isEqualTo("docker-only:1");
        assertThat(SignalMaker.Images.firstOf(SignalMaker.Images.NONE).image(ID))
                .isNull();
    }
}
