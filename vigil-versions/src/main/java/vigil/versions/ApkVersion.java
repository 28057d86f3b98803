package vigil.versions;

import java.util.List;
import java.util.Optional;

/**
 * apk-tools 3 version ordering ({@code apk version -t}, {@code apk_version_compare}): a version is
 * {@code digits{.digits}[letter]{_suffix[digits]}[~hexhash][-rdigits]}, read token by token. Pre-release suffixes
 * {@code _alpha _beta _pre _rc} sort before the bare version, post-release suffixes {@code _cvs _svn _git _hg _p}
 * after it; a dotted component where either side has a leading zero compares as a string (1.01 < 1.1).
 *
 * <p>A malformed version is ordered as apk-tools 3 orders it (ADR 0021): token by token up to the point where it
 * stops being a version; there it sorts below an ending version and above a pre-release suffix, and two versions
 * that go wrong at the same point after equal tokens are equal. Such an answer says little, so {@link
 * #compareChecked} tells the caller when an order rests on a malformed part.
 */
final class ApkVersion {
    private ApkVersion() {}

    /**
     * Token kinds in the order in which they may follow each other. When two versions continue with different
     * kinds after equal tokens, the later kind is the older version (the end is older than a revision, a malformed
     * rest older than the end), except that a pre-release suffix is older than everything.
     */
    private enum Kind {
        INITIAL_DIGIT,
        DIGIT,
        LETTER,
        SUFFIX,
        SUFFIX_NUMBER,
        COMMIT_HASH,
        REVISION,
        END,
        INVALID
    }

    /** One token: its kind, its text (digits, the letter, the suffix name or the hash) and where it starts. */
    private record Token(Kind kind, String text, int start) {
        boolean isPreRelease() {
            return kind == Kind.SUFFIX && PRE_SUFFIXES.contains(text);
        }
    }

    /** An order, and whether it was decided where one of the versions had already stopped being a version. */
    record Checked(int order, boolean restsOnMalformedPart) {}

    private static final List<String> PRE_SUFFIXES = List.of("alpha", "beta", "pre", "rc");
    private static final List<String> POST_SUFFIXES = List.of("cvs", "svn", "git", "hg", "p");

    /** Reads one version token by token, each token allowed only after the kinds that may precede it. */
    private static final class Tokens {
        private final String text;
        private int position;
        private Token current;

        Tokens(String text) {
            this.text = text;
            int end = digitsEnd(0);
            current = end == 0 ? invalid(0) : new Token(Kind.INITIAL_DIGIT, text.substring(0, end), 0);
            position = end;
        }

        Token current() {
            return current;
        }

        /** Moves to the next token; once the end or a malformed part is reached, it stays there. */
        void advance() {
            if (current.kind().compareTo(Kind.END) >= 0) {
                return;
            }
            Kind previous = current.kind();
            int start = position;
            if (position == text.length()) {
                current = new Token(Kind.END, "", start);
                return;
            }
            char character = text.charAt(position);
            if (character >= 'a' && character <= 'z') {
                current = previous.compareTo(Kind.DIGIT) <= 0
                        ? new Token(Kind.LETTER, String.valueOf(character), start)
                        : invalid(start);
                position++;
            } else if (character == '.' || isDigit(character)) {
                boolean dotted = character == '.';
                Kind kind;
                if (previous == Kind.INITIAL_DIGIT || previous == Kind.DIGIT) {
                    kind = Kind.DIGIT;
                } else if (previous == Kind.SUFFIX && !dotted) {
                    kind = Kind.SUFFIX_NUMBER;
                } else {
                    current = invalid(start);
                    return;
                }
                int from = dotted ? position + 1 : position;
                int end = digitsEnd(from);
                current = end == from ? invalid(start) : new Token(kind, text.substring(from, end), start);
                position = end;
            } else if (character == '_') {
                int end = position + 1;
                while (end < text.length() && text.charAt(end) >= 'a' && text.charAt(end) <= 'z') {
                    end++;
                }
                String suffix = text.substring(position + 1, end);
                boolean known = PRE_SUFFIXES.contains(suffix) || POST_SUFFIXES.contains(suffix);
                current = previous.compareTo(Kind.SUFFIX_NUMBER) <= 0 && known
                        ? new Token(Kind.SUFFIX, suffix, start)
                        : invalid(start);
                position = end;
            } else if (character == '~') {
                int end = position + 1;
                while (end < text.length() && isHex(text.charAt(end))) {
                    end++;
                }
                current = previous.compareTo(Kind.COMMIT_HASH) < 0 && end > position + 1
                        ? new Token(Kind.COMMIT_HASH, text.substring(position + 1, end), start)
                        : invalid(start);
                position = end;
            } else if (character == '-'
                    && previous.compareTo(Kind.REVISION) < 0
                    && text.startsWith("r", position + 1)) {
                int end = digitsEnd(position + 2);
                current = end == position + 2
                        ? invalid(start)
                        : new Token(Kind.REVISION, text.substring(position + 2, end), start);
                position = end;
            } else {
                current = invalid(start);
            }
        }

        private static Token invalid(int start) {
            return new Token(Kind.INVALID, "", start);
        }

        private int digitsEnd(int from) {
            int end = from;
            while (end < text.length() && isDigit(text.charAt(end))) {
                end++;
            }
            return end;
        }
    }

    private static boolean isDigit(char character) {
        return character >= '0' && character <= '9';
    }

    private static boolean isHex(char character) {
        return isDigit(character) || (character >= 'a' && character <= 'f');
    }

    static boolean isValid(String version) {
        return problem(version).isEmpty();
    }

    /** Why apk-tools rejects {@code version}, naming where it goes wrong; empty when it is a valid version. */
    static Optional<String> problem(String version) {
        Tokens tokens = new Tokens(version);
        while (tokens.current().kind().compareTo(Kind.END) < 0) {
            tokens.advance();
        }
        Token last = tokens.current();
        if (last.kind() == Kind.END) {
            return Optional.empty();
        }
        String where = version.isEmpty()
                ? "it is empty"
                : last.start() == 0
                        ? "it does not start with a digit"
                        : "it goes wrong at '" + version.substring(last.start()) + "'";
        return Optional.of("'" + version + "' is not an apk version (" + where
                + "); apk-tools accepts digits{.digits}[letter]{_suffix[digits]}[~hash][-rN] with the suffixes"
                + " alpha, beta, pre, rc, cvs, svn, git, hg and p");
    }

    static int compare(String left, String right) {
        return compareChecked(left, right).order();
    }

    static Checked compareChecked(String left, String right) {
        Tokens a = new Tokens(left);
        Tokens b = new Tokens(right);
        while (a.current().kind() == b.current().kind() && a.current().kind().compareTo(Kind.END) < 0) {
            int order = compareValues(a.current(), b.current());
            if (order != 0) {
                return new Checked(order, false);
            }
            a.advance();
            b.advance();
        }
        Token x = a.current();
        Token y = b.current();
        boolean malformed = x.kind() == Kind.INVALID || y.kind() == Kind.INVALID;
        return new Checked(compareKinds(x, y), malformed);
    }

    /** Where the versions go on differently after equal tokens (or both end, or both go wrong, here: equal). */
    private static int compareKinds(Token x, Token y) {
        if (x.kind() == y.kind()) {
            return 0;
        }
        if (x.isPreRelease()) {
            return -1;
        }
        if (y.isPreRelease()) {
            return 1;
        }
        return x.kind().compareTo(y.kind()) > 0 ? -1 : 1;
    }

    private static int compareValues(Token x, Token y) {
        return switch (x.kind()) {
            case DIGIT ->
                x.text().startsWith("0") || y.text().startsWith("0")
                        ? Integer.signum(x.text().compareTo(y.text()))
                        : compareNumbers(x.text(), y.text());
            case INITIAL_DIGIT, SUFFIX_NUMBER, REVISION -> compareNumbers(x.text(), y.text());
            case LETTER, COMMIT_HASH -> Integer.signum(x.text().compareTo(y.text()));
            case SUFFIX -> Integer.compare(suffixRank(x.text()), suffixRank(y.text()));
            case END, INVALID -> 0;
        };
    }

    private static int suffixRank(String suffix) {
        int pre = PRE_SUFFIXES.indexOf(suffix);
        return pre >= 0 ? pre - PRE_SUFFIXES.size() : POST_SUFFIXES.indexOf(suffix);
    }

    /**
     * Compares unbounded digit strings numerically. apk-tools reads them into 64 bits; beyond that (20 digits and
     * more, never seen in a package) Vigil stays exact where apk would wrap.
     */
    static int compareNumbers(String x, String y) {
        String a = stripLeadingZeros(x);
        String b = stripLeadingZeros(y);
        if (a.length() != b.length()) {
            return a.length() < b.length() ? -1 : 1;
        }
        return Integer.signum(a.compareTo(b));
    }

    private static String stripLeadingZeros(String digits) {
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        return digits.substring(start);
    }
}
