package vigil.cli.archfixture.wings.core;

import vigil.cli.archfixture.wings.alpha.AlphaWing;

/** A fixture core class that breaks the rules: it names a wing instead of finding it on the class path. */
public final class CoreNamingAWing {
    public static String wing() {
        return AlphaWing.name();
    }
}
