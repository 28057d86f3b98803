package vigil.server.ui.view;

import org.jspecify.annotations.Nullable;

/** The sign-in form: an error from the last attempt, and the checked path to go to after signing in. */
public record LoginPage(@Nullable String error, String next) {}
