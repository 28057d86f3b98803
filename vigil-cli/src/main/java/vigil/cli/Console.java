package vigil.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Standard streams as UTF-8 writers, and whether a person is watching. */
final class Console {
    private static final PrintWriter OUT =
            new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
    private static final PrintWriter ERR =
            new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);

    private Console() {}

    static PrintWriter out() {
        return OUT;
    }

    static PrintWriter err() {
        return ERR;
    }

    /** True when standard output is a terminal (so tables get colour) and NO_COLOR is unset. */
    static boolean colorOut() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() && System.getenv("NO_COLOR") == null;
    }

    /**
     * Text from an input (a rule file, an event) as it may reach a terminal: control characters shown as {@code ?},
     * so a hostile file cannot write escape sequences.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) && c != '\t' ? '?' : c));
        return out.toString();
    }

    /** True when a person watches standard error: progress bars go there. */
    static boolean interactiveErr() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() && !"true".equals(System.getenv("CI"));
    }
}
