package vigil.server.ui.view;

import java.util.List;

/** What the shared layout shows around every signed-in page: its title, the navigation and who is signed in. */
public record PageFrame(String title, String user, List<NavLink> nav) {
    public PageFrame {
        nav = List.copyOf(nav);
    }
}
