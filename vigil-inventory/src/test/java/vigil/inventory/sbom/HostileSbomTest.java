package vigil.inventory.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import org.junit.jupiter.api.Test;
import vigil.inventory.InventoryException;
import vigil.model.Inventory;

/**
 * CycloneDX documents built to exhaust memory or stack: deep nesting, one enormous component, millions of
 * components, huge sections Vigil does not use. Each is refused with a message naming the SBOM, or read streaming.
 */
class HostileSbomTest {
    private static InputStream text(String value) {
        return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code head}, then {@code count} times {@code element} (comma-separated), then {@code tail}, never in memory. */
    @SuppressWarnings("JdkObsolete") // SequenceInputStream takes an Enumeration
    private static InputStream repeated(String head, String element, long count, String tail) {
        Enumeration<InputStream> parts = new Enumeration<>() {
            long index = -1;

            @Override
            public boolean hasMoreElements() {
                return index <= count;
            }

            @Override
            public InputStream nextElement() {
                index++;
                if (index == 0) {
                    return text(head);
                }
                if (index > count) {
                    return text(tail);
                }
                return text(index == 1 ? element : "," + element);
            }
        };
        return new SequenceInputStream(parts);
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> CycloneDx.read(
                        text("{\"bomFormat\":\"CycloneDX\",\"components\":[{\"x\":" + deep + "}]}"), "deep.json"))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("deep.json")
                .hasMessageContaining("nesting depth");
    }

    @Test
    void aComponentWithMillionsOfValuesIsRefused() {
        InputStream document = repeated(
                "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"purl\":\"pkg:deb/debian/a@1\",\"properties\":[",
                "{\"name\":\"n\",\"value\":\"v\"}",
                1_000_000,
                "]}]}");
        assertThatThrownBy(() -> CycloneDx.read(document, "wide.json"))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("wide.json")
                .hasMessageContaining("component 1 has more than");
    }

    @Test
    void moreComponentsThanAnyRealSystemAreRefused() {
        InputStream document =
                repeated("{\"bomFormat\":\"CycloneDX\",\"components\":[", "{}", CycloneDx.MAX_COMPONENTS + 1L, "]}");
        assertThatThrownBy(() -> CycloneDx.read(document, "many.json"))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("many.json")
                .hasMessageContaining("more than " + CycloneDx.MAX_COMPONENTS + " components");
    }

    @Test
    void sectionsVigilDoesNotUseAreSkippedWithoutBeingKept() throws Exception {
        // Ten million dependency entries around one package: streamed past, never made into a tree.
        InputStream document = repeated(
                "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"type\":\"library\","
                        + "\"purl\":\"pkg:deb/debian/bash@5.2.15-2?distro=debian-12\"}],\"dependencies\":[",
                "{\"ref\":\"x\",\"dependsOn\":[]}",
                10_000_000,
                "]}");
        Inventory inventory = CycloneDx.read(document, "long.json");
        assertThat(inventory.packages())
                .singleElement()
                .satisfies(pkg -> assertThat(pkg.name()).isEqualTo("bash"));
        assertThat(inventory.os()).isNotNull();
    }
}
