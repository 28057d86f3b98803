package vigil.cli.archfixture.wings.beta;

/** A class of a second fixture wing, which the first wrongly uses. */
public final class BetaCheck {
    public static String name() {
        return "beta";
    }
}
