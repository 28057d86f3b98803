package vigil.versions;

import java.util.ArrayList;
import java.util.List;

/**
 * apk-tools version ordering (Gentoo style, as apk-tools 3 validates and orders versions):
 * {@code digits{.digits}[letter]{_suffix[digits]}[~hash][-rdigits]}. Pre-release suffixes
 * {@code _alpha _beta _pre _rc} sort before the bare version, post-release suffixes {@code _cvs _svn _git _hg _p}
 * after it; a dotted component with a leading zero compares as a decimal fraction (1.01 < 1.1). Invalid versions
 * are ordered by their valid prefix, then by plain string order of the rest.
 */
final class ApkVersion {
    private ApkVersion() {}

    /** Token kinds in the order in which they may appear; a version that ends earlier sorts lower. */
    private enum Kind {
        DIGIT,
        LETTER,
        SUFFIX,
        SUFFIX_NUMBER,
        HASH,
        REVISION,
        END
    }

    private record Token(Kind kind, String text, boolean firstNumber) {}

    /** The valid tokens of a version, and the unparsed rest when it is invalid. */
    private record Parsed(List<Token> tokens, String invalidRest) {
        boolean valid() {
            return invalidRest.isEmpty();
        }
    }

    private static final List<String> PRE_SUFFIXES = List.of("alpha", "beta", "pre", "rc");
    private static final List<String> POST_SUFFIXES = List.of("cvs", "svn", "git", "hg", "p");

    private static boolean isDigit(char character) {
        return character >= '0' && character <= '9';
    }

    private static boolean isLower(char character) {
        return character >= 'a' && character <= 'z';
    }

    private static boolean isHex(char character) {
        return isDigit(character) || (character >= 'a' && character <= 'f');
    }

    private static int digitsEnd(String text, int from) {
        int end = from;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private static Parsed parse(String version) {
        List<Token> tokens = new ArrayList<>();
        int position = digitsEnd(version, 0);
        if (position == 0) {
            return new Parsed(tokens, version.isEmpty() ? " " : version);
        }
        tokens.add(new Token(Kind.DIGIT, version.substring(0, position), true));
        Kind last = Kind.DIGIT;
        while (position < version.length()) {
            char character = version.charAt(position);
            int start = position;
            if (character == '.' && last == Kind.DIGIT) {
                int end = digitsEnd(version, position + 1);
                if (end == position + 1) {
                    break;
                }
                tokens.add(new Token(Kind.DIGIT, version.substring(position + 1, end), false));
                position = end;
            } else if (isLower(character) && last == Kind.DIGIT) {
                tokens.add(new Token(Kind.LETTER, String.valueOf(character), false));
                position++;
                last = Kind.LETTER;
                continue;
            } else if (character == '_' && last.compareTo(Kind.SUFFIX_NUMBER) <= 0) {
                int end = position + 1;
                while (end < version.length() && isLower(version.charAt(end))) {
                    end++;
                }
                String suffix = version.substring(position + 1, end);
                if (!PRE_SUFFIXES.contains(suffix) && !POST_SUFFIXES.contains(suffix)) {
                    break;
                }
                tokens.add(new Token(Kind.SUFFIX, suffix, false));
                position = end;
                last = Kind.SUFFIX;
                int numberEnd = digitsEnd(version, position);
                if (numberEnd > position) {
                    tokens.add(new Token(Kind.SUFFIX_NUMBER, version.substring(position, numberEnd), false));
                    position = numberEnd;
                    last = Kind.SUFFIX_NUMBER;
                }
                continue;
            } else if (character == '~' && last.compareTo(Kind.SUFFIX_NUMBER) <= 0) {
                int end = position + 1;
                while (end < version.length() && isHex(version.charAt(end))) {
                    end++;
                }
                if (end == position + 1) {
                    break;
                }
                tokens.add(new Token(Kind.HASH, version.substring(position + 1, end), false));
                position = end;
                last = Kind.HASH;
                continue;
            } else if (character == '-'
                    && last.compareTo(Kind.HASH) <= 0
                    && position + 1 < version.length()
                    && version.charAt(position + 1) == 'r') {
                int end = digitsEnd(version, position + 2);
                if (end == position + 2) {
                    break;
                }
                tokens.add(new Token(Kind.REVISION, version.substring(position + 2, end), false));
                position = end;
                last = Kind.REVISION;
                continue;
            } else {
                break;
            }
            if (position == start) {
                break;
            }
        }
        return new Parsed(tokens, version.substring(position));
    }

    static boolean isValid(String version) {
        return parse(version).valid();
    }

    static int compare(String left, String right) {
        Parsed a = parse(left);
        Parsed b = parse(right);
        int count = Math.min(a.tokens().size(), b.tokens().size());
        for (int index = 0; index < count; index++) {
            Token x = a.tokens().get(index);
            Token y = b.tokens().get(index);
            if (x.kind() != y.kind()) {
                return compareKinds(x, y);
            }
            int order = compareValues(x, y);
            if (order != 0) {
                return order;
            }
        }
        Token end = new Token(Kind.END, "", false);
        Token x = count < a.tokens().size() ? a.tokens().get(count) : end;
        Token y = count < b.tokens().size() ? b.tokens().get(count) : end;
        if (x.kind() != y.kind()) {
            return compareKinds(x, y);
        }
        // Same tokens; an invalid tail is ordered as plain text, as apk does for versions it cannot parse.
        return Integer.signum(a.invalidRest().compareTo(b.invalidRest()));
    }

    /** Where one version goes on with another kind of token: pre-release suffixes are older, else longer is newer. */
    private static int compareKinds(Token x, Token y) {
        if (x.kind() == Kind.SUFFIX && PRE_SUFFIXES.contains(x.text())) {
            return -1;
        }
        if (y.kind() == Kind.SUFFIX && PRE_SUFFIXES.contains(y.text())) {
            return 1;
        }
        return x.kind().compareTo(y.kind()) > 0 ? -1 : 1;
    }

    private static int compareValues(Token x, Token y) {
        return switch (x.kind()) {
            case DIGIT -> {
                if (!x.firstNumber() && (x.text().startsWith("0") || y.text().startsWith("0"))) {
                    yield Integer.signum(stripTrailingZeros(x.text()).compareTo(stripTrailingZeros(y.text())));
                }
                yield compareNumbers(x.text(), y.text());
            }
            case SUFFIX_NUMBER, REVISION -> compareNumbers(x.text(), y.text());
            case LETTER, HASH -> Integer.signum(x.text().compareTo(y.text()));
            case SUFFIX -> Integer.compare(suffixRank(x.text()), suffixRank(y.text()));
            case END -> 0;
        };
    }

    private static int suffixRank(String suffix) {
        int pre = PRE_SUFFIXES.indexOf(suffix);
        return pre >= 0 ? pre - PRE_SUFFIXES.size() : POST_SUFFIXES.indexOf(suffix);
    }

    private static String stripTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }

    /** Compares unbounded digit strings numerically, without overflow. */
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
