package vigil.server.ui.view;

import org.jspecify.annotations.Nullable;

/** A signed-in page that only says something (a refused filter or form, a missing finding), with a way back. */
public record MessagePage(
        PageFrame frame, Message message, @Nullable Link back) {}
