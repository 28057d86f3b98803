package vigil.misconfigurations.wing.ui;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import vigil.misconfigurations.wing.PostureStore;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.http.SecuredRoutes;
import vigil.server.ui.Html;
import vigil.server.ui.NavEntry;
import vigil.server.ui.PageRenderer;
import vigil.server.ui.UiPage;
import vigil.server.ui.UiWing;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.PageFrame;

/**
 * The Misconfigurations pages (ADR 0054): every rule with how many resources pass and fail it, each host's latest
 * scan ({@code /misconfigurations}), and one rule's verdicts, failures first ({@code /misconfigurations/rules/{id}}).
 */
public final class PosturePages implements UiWing {
    static final int PER_RULE = 500;

    private final PostureStore store;

    public PosturePages(PostureStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return "misconfigurations";
    }

    @Override
    public List<NavEntry> nav() {
        return List.of(new NavEntry("/misconfigurations", "Misconfigurations", 25));
    }

    @Override
    public List<UiPage> pages(PageRenderer renderer) {
        return List.of(
                new UiPage("/misconfigurations", Permission.READ, ctx -> rules(ctx, renderer)),
                new UiPage("/misconfigurations/rules/{id}", Permission.READ, ctx -> rule(ctx, renderer)));
    }

    /** The rules page's view. */
    public record RulesView(PageFrame frame, List<RuleView> rules, List<ScanView> scans) {}

    public record RuleView(
            String id, String href, String title, Badge severity, int passed, int failed, int unknown, int errors) {}

    public record ScanView(
            String host,
            String benchmark,
            String scannedAt,
            int passed,
            int failed,
            int unknown,
            int errors,
            List<String> notes) {}

    /** One rule's page view. */
    public record RuleDetail(PageFrame frame, String id, String title, List<VerdictView> verdicts) {}

    public record VerdictView(
            String status,
            String host,
            String resourceType,
            String resourceName,
            String controls,
            String findingHref) {}

    private void rules(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        List<RuleView> rules = store.rules(principal.orgId()).stream()
                .map(rule -> new RuleView(
                        rule.ruleId(),
                        "/misconfigurations/rules/" + Html.url(rule.ruleId()),
                        rule.title(),
                        new Badge(rule.severity(), rule.severity().toLowerCase(Locale.ROOT)),
                        rule.passed(),
                        rule.failed(),
                        rule.unknown(),
                        rule.errors()))
                .toList();
        List<ScanView> scans = store.latestScans(principal.orgId()).stream()
                .map(scan -> new ScanView(
                        scan.hostName() == null ? scan.scopeId() : scan.hostName(),
                        scan.benchmark(),
                        Instant.ofEpochMilli(scan.scannedAt()).toString(),
                        scan.passed(),
                        scan.failed(),
                        scan.unknown(),
                        scan.errors(),
                        scan.notes().isEmpty()
                                ? List.of()
                                : List.of(scan.notes().split("\n"))))
                .toList();
        RulesView view = new RulesView(renderer.frame(ctx, "Misconfigurations", "/misconfigurations"), rules, scans);
        renderer.page(ctx, 200, view.frame(), WingTemplates.body("misconfigurations/rules.jte", view));
    }

    private void rule(Context ctx, PageRenderer renderer) {
        Principal principal = SecuredRoutes.principal(ctx);
        String id = ctx.pathParam("id");
        List<PostureStore.VerdictRow> rows = store.verdicts(principal.orgId(), id, null, PER_RULE);
        if (rows.isEmpty()) {
            renderer.message(
                    ctx,
                    404,
                    "Misconfigurations",
                    "/misconfigurations",
                    vigil.server.ui.view.Message.error("No host has a verdict of rule " + id + "."),
                    new vigil.server.ui.view.Link("/misconfigurations", "All rules"));
            return;
        }
        List<VerdictView> verdicts = rows.stream()
                .sorted(java.util.Comparator.comparing(
                        (PostureStore.VerdictRow row) -> !row.status().equals("fail")))
                .map(row -> new VerdictView(
                        row.status(),
                        row.hostName() == null ? "" : row.hostName(),
                        row.resourceType(),
                        row.resourceName(),
                        String.join(", ", row.controls()),
                        row.findingId() == null
                                ? ""
                                : "/findings?status=all&rule=" + Html.url(row.ruleId()) + "&resource="
                                        + Html.url(row.resourceName())))
                .toList();
        RuleDetail view = new RuleDetail(
                renderer.frame(ctx, "Rule " + id, "/misconfigurations"),
                id,
                rows.getFirst().title(),
                verdicts);
        renderer.page(ctx, 200, view.frame(), WingTemplates.body("misconfigurations/rule.jte", view));
    }
}
