package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The list memo answers as the list does: for values that collide in its tables, for values seen again, and for
 * threads sharing it (each table's slot only ever holds a value with that table's answer).
 */
class MemberTestTest {
    private static final Set<String> VALUES = Set.of("curl", "wget", "nc");
    private static final StringMatcher[] PATTERNS = {
        StringMatcher.Wildcard.of("python*", false), StringMatcher.Wildcard.of("*sh", false)
    };

    private static boolean expected(String value, boolean ignoreCase) {
        String folded = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        if (VALUES.contains(folded)) {
            return true;
        }
        for (StringMatcher pattern : PATTERNS) {
            if (pattern.matches(value)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> values(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] parts = {"curl", "wget", "nc", "python", "3", "ba", "sh", "z", "CURL", "x", ""};
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                value.append(parts[random.nextInt(parts.length)]);
            }
            values.add(value.toString()); // new instances: equal values are not the same object
        }
        return values;
    }

    @Test
    void answersAsTheListForNewAndRepeatedValues() {
        for (boolean ignoreCase : new boolean[] {false, true}) {
            Membership.MemberTest test = new Membership.MemberTest(VALUES, PATTERNS, ignoreCase);
            for (int pass = 0; pass < 3; pass++) {
                for (String value : values(pass % 2)) {
                    assertThat(test.test(value))
                            .as("%s (ignore case %s)", value, ignoreCase)
                            .isEqualTo(expected(value, ignoreCase));
                }
            }
        }
    }

    @Test
    void threadsSharingTheMemoGetTheListsAnswers() throws Exception {
        Membership.MemberTest test = new Membership.MemberTest(VALUES, PATTERNS, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                wrong.add(pool.submit(() -> {
                    int mistakes = 0;
                    for (int pass = 0; pass < 20; pass++) {
                        for (String value : values(seed + pass)) {
                            mistakes += test.test(value) == expected(value, false) ? 0 : 1;
                        }
                    }
                    return mistakes;
                }));
            }
            for (Future<Integer> mistakes : wrong) {
                assertThat(mistakes.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
