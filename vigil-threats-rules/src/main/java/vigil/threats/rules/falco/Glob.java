package vigil.threats.rules.falco;

import java.util.regex.Pattern;

/**
 * Falco's {@code glob}: fnmatch(3) without flags. {@code *} matches any run of characters, {@code /} included;
 * {@code ?} one character; {@code [abc]}, {@code [a-z]}, {@code [!a]} a class; the whole value must match.
 */
final class Glob {
    private Glob() {}

    static Pattern compile(String glob, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append("(?s:.*)");
                case '?' -> regex.append("(?s:.)");
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        boolean negate = body.startsWith("!") || body.startsWith("^");
                        if (negate) {
                            body = body.substring(1);
                        }
                        regex.append(negate ? "[^" : "[")
                                .append(body.replace("\\", "\\\\")
                                        .replace("[", "\\[")
                                        .replace("&&", "\\&\\&"))
                                .append(']');
                        i = close;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }
}
