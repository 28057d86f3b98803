package vigil.server.ui.view;

import org.jspecify.annotations.Nullable;

/** The account page: the password form, and the outcome of the last change when there was one. */
public record AccountPage(PageFrame frame, @Nullable Message message, int minPassword) {}
