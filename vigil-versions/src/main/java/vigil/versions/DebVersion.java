package vigil.versions;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Debian version ordering, as {@code dpkg --compare-versions}: epoch numerically, then the upstream version and
 * the revision with dpkg's character order ({@code ~} before the end of the string, the end before letters,
 * letters before other characters; runs of digits compared as numbers).
 */
final class DebVersion {
    private DebVersion() {}

    /** A parsed {@code [epoch:]upstream[-revision]}. */
    record Parts(long epoch, String upstream, String revision) {}

    static Parts parse(String version) {
        String text = version.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("version string is empty");
        }
        // loops, not streams: a scan parses tens of thousands of versions, most of them once (ADR 0023)
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                throw new IllegalArgumentException("version '" + version + "' contains white space");
            }
        }
        long epoch = 0;
        int colon = text.indexOf(':');
        if (colon >= 0) {
            String epochText = text.substring(0, colon);
            if (epochText.isEmpty() || epochText.length() > 9 || !allDigits(epochText)) {
                throw new IllegalArgumentException("epoch in version '" + version + "' is not a number");
            }
            epoch = Long.parseLong(epochText);
            text = text.substring(colon + 1);
        }
        String revision = "";
        int dash = text.lastIndexOf('-');
        if (dash >= 0) {
            revision = text.substring(dash + 1);
            text = text.substring(0, dash);
            if (revision.isEmpty()) {
                throw new IllegalArgumentException("version '" + version + "' has an empty revision after '-'");
            }
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("version '" + version + "' has an empty upstream part");
        }
        return new Parts(epoch, text, revision);
    }

    static int compare(String left, String right) {
        if (left.isEmpty() || right.isEmpty()) {
            // dpkg --compare-versions reads an empty argument as the blank version, older than any other
            parse(left.isEmpty() ? (right.isEmpty() ? "0" : right) : left);
            return left.isEmpty() ? (right.isEmpty() ? 0 : -1) : 1;
        }
        return compare(parse(left), parse(right));
    }

    /**
     * {@link #compare} and, when the order rests on a version dpkg refuses or warns about, the first such
     * {@link #problem}: each version parsed once (the unchecked order and two problem checks parsed each twice).
     */
    static VersionScheme.Comparison compareChecked(String left, String right) {
        if (left.isEmpty() || right.isEmpty()) {
            int order = compare(left, right);
            Optional<String> doubt = problem(left).or(() -> problem(right));
            return new VersionScheme.Comparison(order, doubt.orElse(null));
        }
        Parts a = parse(left);
        Parts b = parse(right);
        int order = compare(a, b);
        String doubt = warning(a, left);
        return new VersionScheme.Comparison(order, doubt != null ? doubt : warning(b, right));
    }

    private static boolean allDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int compare(Parts a, Parts b) {
        int byEpoch = Long.compare(a.epoch(), b.epoch());
        if (byEpoch != 0) {
            return byEpoch;
        }
        int byUpstream = compareFragment(a.upstream(), b.upstream());
        if (byUpstream != 0) {
            return byUpstream;
        }
        return compareFragment(a.revision(), b.revision());
    }

    /**
     * Why dpkg refuses {@code version} or warns about it (the empty version, a non-digit start, a character dpkg
     * does not allow in that part); empty when it is a well-formed Debian version.
     */
    static Optional<String> problem(String version) {
        Parts parts;
        try {
            parts = parse(version);
        } catch (IllegalArgumentException e) {
            return Optional.of("dpkg refuses it: " + e.getMessage());
        }
        return Optional.ofNullable(warning(parts, version));
    }

    /** What dpkg warns about in the well-formed {@code parts} of {@code version}; null when nothing. */
    private static @Nullable String warning(Parts parts, String version) {
        String upstream = parts.upstream();
        if (!isDigit(upstream.charAt(0))) {
            return "dpkg warns that version '" + version + "' does not start with a digit";
        }
        for (int i = 0; i < upstream.length(); i++) {
            char character = upstream.charAt(i);
            if (!isAsciiLetter(character) && !isDigit(character) && ".+~-".indexOf(character) < 0) {
                return "dpkg warns about the character '" + character + "' in version '" + version + "'";
            }
        }
        String revision = parts.revision();
        for (int i = 0; i < revision.length(); i++) {
            char character = revision.charAt(i);
            if (!isAsciiLetter(character) && !isDigit(character) && ".+~".indexOf(character) < 0) {
                return "dpkg warns about the character '" + character + "' in the revision of '" + version + "'";
            }
        }
        return null;
    }

    /** dpkg's weight of a character in the non-digit parts: '~' lowest, then the end, letters, everything else. */
    private static int order(int character) {
        if (character == '~') {
            return -1;
        } else if (character == 0 || Character.isDigit(character)) {
            return 0;
        } else if (isAsciiLetter(character)) {
            return character;
        }
        return character + 256;
    }

    private static boolean isAsciiLetter(int character) {
        return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
    }

    private static boolean isDigit(int character) {
        return character >= '0' && character <= '9';
    }

    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int left = order(i < a.length() ? a.charAt(i) : 0);
                int right = order(j < b.length() ? b.charAt(j) : 0);
                if (left != right) {
                    return Integer.signum(left - right);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            int firstDifference = 0;
            while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDifference == 0) {
                    firstDifference = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDifference != 0) {
                return Integer.signum(firstDifference);
            }
        }
        return 0;
    }
}
