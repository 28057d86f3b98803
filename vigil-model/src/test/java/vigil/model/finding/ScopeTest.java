package vigil.model.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScopeTest {
    @Test
    void eachKindStoresItsKindAndId() {
        assertThat(new Scope.Resource("host:web-1").kind()).isEqualTo("resource");
        assertThat(new Scope.Resource("host:web-1").id()).isEqualTo("host:web-1");
        assertThat(new Scope.Account("aws", "123456789012").kind()).isEqualTo("account");
        assertThat(new Scope.Account("aws", "123456789012").id()).isEqualTo("aws/123456789012");
        assertThat(new Scope.Stream("falco:web-1").kind()).isEqualTo("stream");
    }

    @Test
    void onlyAStreamNeverReplaces() {
        assertThat(new Scope.Resource("r").replaces()).isTrue();
        assertThat(new Scope.Account("gcp", "p").replaces()).isTrue();
        assertThat(new Scope.Stream("s").replaces()).isFalse();
    }

    @Test
    void anAccountIdReadsBackUnambiguously() {
        // a slash in the provider would make "a/b" + "c" and "a" + "b/c" the same stored id
        assertThatThrownBy(() -> new Scope.Account("a/b", "c")).hasMessageContaining("'a/b'");
        assertThat(new Scope.Account("azure", "sub/with/slashes").id()).isEqualTo("azure/sub/with/slashes");
        assertThatThrownBy(() -> new Scope.Resource("")).hasMessageContaining("resource's id");
    }
}
