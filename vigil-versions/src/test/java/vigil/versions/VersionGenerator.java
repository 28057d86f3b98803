package vigil.versions;

import java.util.Random;

/** Random versions biased towards the characters and shapes where version schemes disagree. */
final class VersionGenerator {
    private final Random random;

    VersionGenerator(long seed) {
        random = new Random(seed);
    }

    private char pick(String alphabet) {
        return alphabet.charAt(random.nextInt(alphabet.length()));
    }

    /** A fragment starting with a digit, drawn mostly from digits, a few letters and the given separators. */
    String fragment(String separators, int maxLength) {
        StringBuilder out = new StringBuilder().append(pick("0123456789"));
        int length = random.nextInt(maxLength);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                out.append(pick("0001123456789"));
            } else if (kind < 7) {
                out.append(pick("aAbzZrc"));
            } else {
                out.append(pick(separators));
            }
        }
        return out.toString();
    }

    /** A near twin of {@code version}: one character changed, added or removed. */
    String mutate(String version, String alphabet) {
        StringBuilder out = new StringBuilder(version);
        int position = random.nextInt(out.length() + 1);
        switch (random.nextInt(3)) {
            case 0 -> out.insert(position, pick(alphabet));
            case 1 -> {
                if (position < out.length() && out.length() > 1) {
                    out.deleteCharAt(position);
                }
            }
            default -> {
                if (position < out.length()) {
                    out.setCharAt(position, pick(alphabet));
                }
            }
        }
        return out.toString();
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    int epoch() {
        return random.nextInt(3);
    }
}
