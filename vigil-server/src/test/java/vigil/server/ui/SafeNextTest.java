package vigil.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The login page's {@code next}: known open-redirect payloads fall back to the findings, paths of the site stay. */
class SafeNextTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/\t/127.0.0.1:8799/x",
                "/\n/evil.example",
                "/\r\n/evil.example",
                "/\u0000/evil.example",
                "/\u000b/evil.example",
                "/\u007f/evil.example",
                "//evil.example",
                "///evil.example",
                "////evil.example/x",
                "/\\evil.example",
                "/\\/evil.example",
                "\\\\evil.example",
                "\\/evil.example",
                " /evil.example",
                "/ /evil.example",
                "https://evil.example",
                "http:/evil.example",
                "javascript:alert(1)",
                "data:text/html,x",
                "evil.example",
                "@evil.example",
                "/\u3000/evil.example",
                "/\uff0f/evil.example",
                "/\u2028/evil.example",
                "",
            })
    void offSitePayloadsGoToTheFindings(String next) {
        assertThat(UiRoutes.safeNext(next)).isEqualTo("/findings");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/findings",
                "/findings?status=open&severity=high",
                "/resources?id=web-1%2F2",
                "/vulnerabilities#top",
                "/%2F%2Fevil.example",
                "/"
            })
    void pathsOfThisSiteAreKept(String next) {
        assertThat(UiRoutes.safeNext(next)).isEqualTo(next);
    }

    @org.junit.jupiter.api.Test
    void aMissingOrHugeNextGoesToTheFindings() {
        assertThat(UiRoutes.safeNext(null)).isEqualTo("/findings");
        assertThat(UiRoutes.safeNext("/" + "a".repeat(3000))).isEqualTo("/findings");
    }
}
