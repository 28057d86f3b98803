package vigil.threats.rules.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Vigil's extensions of SECL's model stay apart from Datadog's reference: none takes a reference name. */
class FieldCatalogTest {
    private static Set<String> names(String... resources) {
        Set<String> names = new HashSet<>();
        for (String resource : resources) {
            FieldCatalog.rows(resource).forEach(row -> names.add(row[0]));
        }
        return names;
    }

    @Test
    void extensionsAreNotReferenceNames() {
        Set<String> reference =
                names("secl/fields-linux.tsv", "secl/fields-linux-extra.tsv", "secl/event-types-linux.tsv");
        Set<String> legacy = names("secl/legacy-fields-linux.tsv");
        List<String> extensions = FieldCatalog.rows("secl/vigil-extensions-linux.tsv").stream()
                .map(row -> row[0])
                .toList();
        List<String> types = FieldCatalog.rows("secl/vigil-event-types-linux.tsv").stream()
                .map(row -> row[0])
                .toList();
        assertThat(extensions).doesNotHaveDuplicates().doesNotContainAnyElementsOf(reference);
        assertThat(extensions).doesNotContainAnyElementsOf(legacy);
        assertThat(types)
                .containsExactly("dup", "setns", "symlink", "userfaultfd")
                .doesNotContainAnyElementsOf(reference);
    }

    @Test
    void extensionsAreInTheCatalogAndMarked() {
        FieldCatalog catalog = FieldCatalog.linux();
        assertThat(catalog.eventTypes()).contains("symlink", "dup", "open");
        for (String[] row : FieldCatalog.rows("secl/vigil-extensions-linux.tsv")) {
            Field field = catalog.find(row[0]).orElseThrow();
            assertThat(field.eventType()).isEqualTo(row[2]);
            assertThat(catalog.isExtension(row[0])).as(row[0]).isTrue();
            assertThat(field.eventType().equals(Field.ANY_EVENT)
                            || catalog.eventTypes().contains(field.eventType()))
                    .as(row[0])
                    .isTrue();
        }
        assertThat(catalog.isExtension("symlink")).isTrue();
        assertThat(catalog.isExtension("open.file.path")).isFalse();
        assertThat(catalog.isExtension("container.created_at")).isFalse();
        assertThat(catalog.find("process.ancestors.cwd").orElseThrow().multiple())
                .isTrue();
    }

    @Test
    void extensionEventsReadAsJson() throws Exception {
        EventJson json = new EventJson(FieldCatalog.linux());
        Event symlink = json.parse("""
                {"type": "symlink", "fields": {"symlink.file.path": "/tmp/l", "symlink.target": "../etc/shadow"}}""");
        assertThat(symlink.type()).isEqualTo("symlink");
        Event dup = json.parse("""
                {"type": "dup", "fields": {"dup.fd": 3, "dup.retval": 1, "dup.addr.ip": "10.0.0.1"}}""");
        assertThat(dup.type()).isEqualTo("dup");
        assertThat(json.parse("""
                        {"type": "exec", "fields": {"process.cwd": "/root", "container.privileged": true,
                         "exec.is_exe_from_memfd": true}}""").type()).isEqualTo("exec");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.parse("""
                        {"type": "open", "fields": {"symlink.target": "/etc"}}"""))
                .hasMessageContaining("symlink.target is a field of symlink events, not of open");
    }
}
