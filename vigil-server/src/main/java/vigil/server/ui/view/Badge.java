package vigil.server.ui.view;

/** A coloured label: {@code kind} picks the colour (a severity, a status, a state), {@code text} is what it says. */
public record Badge(String kind, String text) {
    /** A badge whose colour and text are the same word, as severities and statuses are. */
    public static Badge of(String word) {
        return new Badge(word, word);
    }
}
