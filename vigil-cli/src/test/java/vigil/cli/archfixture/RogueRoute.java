package vigil.cli.archfixture;

import io.javalin.config.RoutesConfig;

/** A route registered without a permission: the architecture rule must catch it (see ArchitectureTest). */
public final class RogueRoute {
    private RogueRoute() {}

    public static void register(RoutesConfig routes) {
        routes.get("/rogue", ctx -> ctx.result("no permission declared"));
    }
}
