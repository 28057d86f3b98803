package vigil.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.server.ui.view.NavLink;
import vigil.server.ui.view.PageFrame;

class NavigationTest {
    @Test
    void entriesAreOrderedAndTheActiveOneIsMarked() {
        Navigation navigation = new Navigation(List.of(
                new NavEntry("/setup", "Setup", 90),
                new NavEntry("/findings", "Findings", 10),
                new NavEntry("/wing", "Wing", 50)));
        assertThat(navigation.links("/wing"))
                .containsExactly(
                        new NavLink("/findings", "Findings", false),
                        new NavLink("/wing", "Wing", true),
                        new NavLink("/setup", "Setup", false));
        assertThat(navigation.links(null)).noneMatch(NavLink::active);
    }

    @Test
    void aPathRegisteredTwiceIsRefusedWithItsName() {
        assertThatThrownBy(() -> new Navigation(
                        List.of(new NavEntry("/findings", "Findings", 10), new NavEntry("/findings", "Again", 20))))
                .hasMessageContaining("/findings");
    }

    /** The layout renders the registry: an entry a wing adds appears in the page's navigation, marked when active. */
    @Test
    void theLayoutRendersTheRegistry() {
        Navigation navigation = new Navigation(
                List.of(new NavEntry("/findings", "Findings", 10), new NavEntry("/threats", "Threats", 30)));
        String html = Templates.render(
                "core/account.jte",
                new vigil.server.ui.view.AccountPage(
                        new PageFrame("Account", "me", navigation.links("/threats")), null, 12));
        assertThat(html)
                .contains(
                        "<nav><a href=\"/findings\">Findings</a><a href=\"/threats\" class=\"active\">Threats</a></nav>");
    }
}
