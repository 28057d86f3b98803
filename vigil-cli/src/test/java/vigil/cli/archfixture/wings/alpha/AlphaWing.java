package vigil.cli.archfixture.wings.alpha;

import vigil.cli.archfixture.wings.beta.BetaCheck;

/** A fixture wing that breaks the rules: it uses another wing's class. */
public final class AlphaWing {
    public static String name() {
        return "alpha and " + BetaCheck.name();
    }
}
