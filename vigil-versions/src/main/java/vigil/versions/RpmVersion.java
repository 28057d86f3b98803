package vigil.versions;

import org.jspecify.annotations.Nullable;

/**
 * rpm version ordering: epoch numerically (absent = 0), then rpmvercmp on version and on release, as rpm 4.18
 * does, with {@code ~} sorting before anything (pre-releases) and {@code ^} after the end but before anything else
 * (post-release snapshots).
 */
final class RpmVersion {
    private RpmVersion() {}

    /** {@code [epoch:]version[-release]}; the release is what follows the last dash after the epoch. */
    record Parts(long epoch, String version, @Nullable String release) {}

    static Parts parse(String evr) {
        String text = evr.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("version string is empty");
        }
        int digits = 0;
        while (digits < text.length() && isDigit(text.charAt(digits))) {
            digits++;
        }
        long epoch = 0;
        String rest = text;
        if (digits < text.length() && text.charAt(digits) == ':') {
            String epochText = text.substring(0, digits);
            if (epochText.length() > 18) {
                throw new IllegalArgumentException("epoch in version '" + evr + "' is too large");
            }
            epoch = epochText.isEmpty() ? 0 : Long.parseLong(epochText);
            rest = text.substring(digits + 1);
        }
        int dash = rest.lastIndexOf('-');
        if (dash >= 0) {
            return new Parts(epoch, rest.substring(0, dash), rest.substring(dash + 1));
        }
        return new Parts(epoch, rest, null);
    }

    static int compare(String left, String right) {
        Parts a = parse(left);
        Parts b = parse(right);
        int byEpoch = Long.compare(a.epoch(), b.epoch());
        if (byEpoch != 0) {
            return byEpoch;
        }
        int byVersion = rpmvercmp(a.version(), b.version());
        if (byVersion != 0) {
            return byVersion;
        }
        // As rpm's labelCompare: an absent release is older than any release, even an empty or "~" one.
        if (a.release() == null || b.release() == null) {
            return a.release() == null ? (b.release() == null ? 0 : -1) : 1;
        }
        return rpmvercmp(a.release(), b.release());
    }

    private static boolean isDigit(char character) {
        return character >= '0' && character <= '9';
    }

    private static boolean isAlpha(char character) {
        return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
    }

    private static boolean isAlnum(char character) {
        return isDigit(character) || isAlpha(character);
    }

    /** rpm's segment comparison of two version (or release) strings. */
    static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !isAlnum(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') {
                i++;
            }
            while (j < b.length() && !isAlnum(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') {
                j++;
            }
            char one = i < a.length() ? a.charAt(i) : 0;
            char two = j < b.length() ? b.charAt(j) : 0;
            if (one == '~' || two == '~') {
                if (one != '~') {
                    return 1;
                }
                if (two != '~') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (one == '^' || two == '^') {
                if (one == 0) {
                    return -1;
                }
                if (two == 0) {
                    return 1;
                }
                if (one != '^') {
                    return 1;
                }
                if (two != '^') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (one == 0 || two == 0) {
                break;
            }
            int endA = i;
            int endB = j;
            boolean numeric = isDigit(one);
            if (numeric) {
                while (endA < a.length() && isDigit(a.charAt(endA))) {
                    endA++;
                }
                while (endB < b.length() && isDigit(b.charAt(endB))) {
                    endB++;
                }
            } else {
                while (endA < a.length() && isAlpha(a.charAt(endA))) {
                    endA++;
                }
                while (endB < b.length() && isAlpha(b.charAt(endB))) {
                    endB++;
                }
            }
            if (endB == j) {
                // The segments are of different types: a number is newer than letters.
                return numeric ? 1 : -1;
            }
            String segmentA = a.substring(i, endA);
            String segmentB = b.substring(j, endB);
            if (numeric) {
                segmentA = stripLeadingZeros(segmentA);
                segmentB = stripLeadingZeros(segmentB);
                if (segmentA.length() != segmentB.length()) {
                    return segmentA.length() > segmentB.length() ? 1 : -1;
                }
            }
            int order = segmentA.compareTo(segmentB);
            if (order != 0) {
                return order < 0 ? -1 : 1;
            }
            i = endA;
            j = endB;
        }
        boolean aDone = i >= a.length();
        boolean bDone = j >= b.length();
        if (aDone && bDone) {
            return 0;
        }
        return aDone ? -1 : 1;
    }

    private static String stripLeadingZeros(String digits) {
        int start = 0;
        while (start < digits.length() && digits.charAt(start) == '0') {
            start++;
        }
        return digits.substring(start);
    }
}
