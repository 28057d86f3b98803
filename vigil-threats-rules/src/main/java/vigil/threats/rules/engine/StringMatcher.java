package vigil.threats.rules.engine;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A string member of a comparison or an array: a value, a {@code ~"pattern"} or an {@code r"regex"}. */
public sealed interface StringMatcher {
    boolean matches(String value);

    /** How it was written, for the values that decided a match. */
    String text();

    /**
     * What every value it matches starts with (the text before the first {@code *}; empty when unknown): an index
     * checks it before running the matcher.
     */
    default String literalPrefix() {
        return "";
    }

    /** What every value it matches ends with (the text after the last {@code *}; empty when unknown). */
    default String literalSuffix() {
        return "";
    }

    /** Whether it ignores case (then its literal start and end are compared so too). */
    default boolean ignoresCase() {
        return false;
    }

    /** A pattern's text before its first {@code *} (all of it without one). */
    private static String beforeFirstStar(String pattern) {
        int star = pattern.indexOf('*');
        return star < 0 ? pattern : pattern.substring(0, star);
    }

    /** A pattern's text after its last {@code *} (all of it without one). */
    private static String afterLastStar(String pattern) {
        return pattern.substring(pattern.lastIndexOf('*') + 1);
    }

    record Scalar(String value) implements StringMatcher {
        @Override
        public boolean matches(String candidate) {
            return value.equals(candidate);
        }

        @Override
        public String text() {
            return value;
        }
    }

    /** A value compared without regard to case (fields the reference compares so, such as DNS names). */
    record ScalarIgnoreCase(String value) implements StringMatcher {
        @Override
        public boolean matches(String candidate) {
            return value.equalsIgnoreCase(candidate);
        }

        @Override
        public String text() {
            return value;
        }
    }

    /**
     * SECL's pattern: {@code *} matches any run of characters ({@code /} included); everything else literally.
     * {@code **} is refused, as the reference refuses it in patterns.
     */
    final class Wildcard implements StringMatcher {
        private final String pattern;
        private final String[] parts;
        private final boolean leadingStar;
        private final boolean trailingStar;
        private final boolean ignoreCase;

        private Wildcard(String pattern, boolean ignoreCase) {
            this.pattern = pattern;
            this.ignoreCase = ignoreCase;
            String folded = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
            this.parts = java.util.Arrays.stream(folded.split("\\*", -1))
                    .filter(part -> !part.isEmpty())
                    .toArray(String[]::new);
            this.leadingStar = pattern.startsWith("*");
            this.trailingStar = pattern.endsWith("*");
        }

        static Wildcard of(String pattern, boolean ignoreCase) {
            if (pattern.contains("**")) {
                throw new IllegalArgumentException("`**` is not allowed in patterns");
            }
            return new Wildcard(pattern, ignoreCase);
        }

        @Override
        public String literalPrefix() {
            return beforeFirstStar(pattern);
        }

        @Override
        public String literalSuffix() {
            return afterLastStar(pattern);
        }

        @Override
        public boolean ignoresCase() {
            return ignoreCase;
        }

        /** A segment of a glob: {@code **} is the glob's business, never passed here. */
        static Wildcard segment(String pattern, boolean ignoreCase) {
            return new Wildcard(pattern, ignoreCase);
        }

        @Override
        public boolean matches(String candidate) {
            return matches(candidate, 0, candidate.length());
        }

        /** Whether {@code candidate} between {@code from} and {@code to} matches, without copying it. */
        boolean matches(String candidate, int from, int to) {
            if (parts.length == 0) {
                return !pattern.isEmpty() || from == to;
            }
            int at = from;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (i == 0 && !leadingStar) {
                    if (at + part.length() > to || !candidate.regionMatches(ignoreCase, at, part, 0, part.length())) {
                        return false;
                    }
                    at += part.length();
                } else if (i == parts.length - 1 && !trailingStar) {
                    int start = to - part.length();
                    return start >= at && candidate.regionMatches(ignoreCase, start, part, 0, part.length());
                } else {
                    int found = indexOf(candidate, part, at, to);
                    if (found < 0) {
                        return false;
                    }
                    at = found + part.length();
                }
            }
            return trailingStar || at == to;
        }

        private int indexOf(String candidate, String part, int from, int to) {
            for (int i = from; i + part.length() <= to; i++) {
                if (candidate.regionMatches(ignoreCase, i, part, 0, part.length())) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String text() {
            return "~\"" + pattern + "\"";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Wildcard w && w.pattern.equals(pattern) && w.ignoreCase == ignoreCase;
        }

        @Override
        public int hashCode() {
            return pattern.hashCode();
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /**
     * A pattern on a path field: matched segment by segment between {@code /}, where {@code *} stays within a
     * segment and a {@code **} segment spans segments: one or more at the end of the pattern, any number (none
     * included) in its middle ({@code /var/run/secrets/**}{@code /token}). A pattern whose first segment is
     * {@code *} is matched against the path without its leading {@code /}.
     */
    final class Glob implements StringMatcher {
        private final String pattern;
        /** A segment's wildcard, or null for {@code **}. */
        private final @org.jspecify.annotations.Nullable Wildcard[] elements;

        private final boolean ignoreCase;

        private Glob(String pattern, @org.jspecify.annotations.Nullable Wildcard[] elements, boolean ignoreCase) {
            this.pattern = pattern;
            this.elements = elements;
            this.ignoreCase = ignoreCase;
        }

        @Override
        public String literalPrefix() {
            return beforeFirstStar(pattern);
        }

        /** After the last {@code *} only literal segments follow, and the last one ends the path. */
        @Override
        public String literalSuffix() {
            return afterLastStar(pattern);
        }

        @Override
        public boolean ignoresCase() {
            return ignoreCase;
        }

        static Glob of(String pattern, boolean ignoreCase) {
            String[] parts = pattern.split("/", -1);
            @org.jspecify.annotations.Nullable Wildcard[] elements = new Wildcard[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].contains("**") && !parts[i].equals("**")) {
                    throw new IllegalArgumentException("`**` must be a whole path segment");
                }
                elements[i] = parts[i].equals("**") ? null : Wildcard.segment(parts[i], ignoreCase);
            }
            return new Glob(pattern, elements, ignoreCase);
        }

        @Override
        public boolean matches(String candidate) {
            if (candidate.isEmpty()) {
                return false;
            }
            boolean relative = elements.length > 0 && elements[0] != null && elements[0].pattern.equals("*");
            int from = relative && candidate.startsWith("/") ? 1 : 0;
            return matches(candidate, 0, from);
        }

        /**
         * Whether the path from {@code start} (the start of a segment) matches the elements from {@code element}; the
         * segments are read in place, without splitting the path (this runs for every event a rule sees).
         */
        private boolean matches(String path, int element, int start) {
            int length = path.length();
            if (element == elements.length) {
                return start > length;
            }
            if (start > length) {
                return false;
            }
            Wildcard wildcard = elements[element];
            if (wildcard == null) {
                if (element == elements.length - 1) {
                    // a final ** takes the rest: one segment that is not empty, or more (as the reference, which
                    // answers as soon as it reads a '/' past the fixed segments)
                    return start < length;
                }
                for (int next = start; next <= length; next = nextSegment(path, next)) {
                    if (matches(path, element + 1, next)) {
                        return true;
                    }
                }
                return false;
            }
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            boolean last = element == elements.length - 1;
            // a path's empty last segment (a trailing '/') never matches a pattern's last segment
            if (last && end == start && start > 0) {
                return false;
            }
            return wildcard.matches(path, start, end) && matches(path, element + 1, end + 1);
        }

        /** The start of the segment after the one starting at {@code start} (past the end when none). */
        private static int nextSegment(String path, int start) {
            int slash = path.indexOf('/', start);
            return slash < 0 ? path.length() + 1 : slash + 1;
        }

        @Override
        public String text() {
            return "~\"" + pattern + "\"";
        }
    }

    /** A regular expression; it matches when it finds a match anywhere, as Go's {@code MatchString} does. */
    final class Regex implements StringMatcher {
        private final String source;
        private final Pattern pattern;
        private final ThreadLocal<java.util.regex.Matcher> matchers;

        private Regex(String source, Pattern pattern) {
            this.source = source;
            this.pattern = pattern;
            this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
        }

        static Regex of(String source) {
            try {
                return new Regex(source, Pattern.compile(source));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression: " + e.getDescription());
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Regex regex && regex.source.equals(source);
        }

        @Override
        public int hashCode() {
            return source.hashCode();
        }

        @Override
        public String toString() {
            return text();
        }

        /** A matcher per thread, reset for each value: a regular expression in a rule allocates nothing per event. */
        @Override
        public boolean matches(String value) {
            return matchers.get().reset(value).find();
        }

        /**
         * The literal text an anchored expression starts with ({@code ^\[kworker} starts with {@code [kworker}):
         * characters up to the first one with a meaning, none when the expression has an alternation anywhere.
         */
        @Override
        public String literalPrefix() {
            if (!source.startsWith("^") || source.indexOf('|') >= 0) {
                return "";
            }
            StringBuilder prefix = new StringBuilder();
            int i = 1;
            while (i < source.length()) {
                char c = source.charAt(i);
                int next = i + 1;
                char literal;
                if (c == '\\' && next < source.length() && !Character.isLetterOrDigit(source.charAt(next))) {
                    literal = source.charAt(next);
                    next++;
                } else if (Character.isLetterOrDigit(c) || " /-_:=,@#%&!'\"<>~`;".indexOf(c) >= 0) {
                    literal = c;
                } else {
                    break;
                }
                // a quantifier after it makes the character optional or repeated: it is not part of the prefix
                if (next < source.length() && "*+?{".indexOf(source.charAt(next)) >= 0) {
                    break;
                }
                prefix.append(literal);
                i = next;
            }
            return prefix.toString();
        }

        @Override
        public String text() {
            return "r\"" + source + "\"";
        }
    }
}
