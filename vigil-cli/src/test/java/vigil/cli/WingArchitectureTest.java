package vigil.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.cli.archfixture.wings.alpha.AlphaWing;
import vigil.cli.archfixture.wings.beta.BetaCheck;
import vigil.cli.archfixture.wings.core.CoreNamingAWing;
import vigil.server.wing.Wing;

/**
 * The layers of ADR 0030 and 0037 as rules over everything the distribution ships: the core depends on no wing, wings
 * do not depend on each other, cloud SDKs stay in cloud modules, a wing's pages run no SQL. The wings are the ones the
 * server finds on the class path, so a new wing is held to the rules without being listed here; each rule is shown to
 * catch a fixture that breaks it.
 */
class WingArchitectureTest {
    /** The core's packages and the modules beside it: none may name a wing. */
    private static final String[] CORE = {
        "vigil.server..",
        "vigil.model..",
        "vigil.spi..",
        "vigil.features..",
        "vigil.versions..",
        "vigil.inventory..",
        "vigil.vulndb..",
        "vigil.agent..",
        "vigil.kafka..",
        "vigil.threats.rules..",
        "vigil.threats.sensor.."
    };

    /** Cloud providers' SDKs: only the cloud collectors' modules ({@code vigil.cloud..}) may use them. */
    private static final String[] CLOUD_SDKS = {
        "software.amazon..",
        "com.amazonaws..",
        "com.azure..",
        "com.microsoft.azure..",
        "com.google.cloud..",
        "com.google.api.services..",
        "com.google.api.client.."
    };

    private static JavaClasses production;
    private static List<String> wings;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil");
        TreeSet<String> roots = new TreeSet<>();
        for (Wing wing : ServiceLoader.load(Wing.class)) {
            roots.add(wing.getClass().getPackageName());
        }
        wings = new ArrayList<>(roots);
        // guard against rules passing because no wing was found
        assertThat(wings).as("the wings the server finds").contains("vigil.vulnerabilities");
        assertThat(production.stream().map(JavaClass::getPackageName)).contains("vigil.vulnerabilities.ui");
    }

    static ArchRule coreNamesNoWing(String[] core, List<String> wings) {
        return noClasses()
                .that()
                .resideInAnyPackage(core)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(wings.stream().map(root -> root + "..").toArray(String[]::new))
                .because("the core finds wings on the class path and never names one (ADR 0037)");
    }

    static List<ArchRule> wingsAreIndependent(List<String> wings) {
        List<ArchRule> rules = new ArrayList<>();
        for (String wing : wings) {
            String[] others = wings.stream()
                    .filter(other -> !other.equals(wing))
                    .map(other -> other + "..")
                    .toArray(String[]::new);
            if (others.length > 0) {
                rules.add(noClasses()
                        .that()
                        .resideInAPackage(wing + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(others)
                        .because("capabilities share the core, never each other's code (ADR 0030)"));
            }
        }
        return rules;
    }

    static ArchRule sdksOnlyInCloudModules(String... sdks) {
        return noClasses()
                .that()
                .resideOutsideOfPackage("vigil.cloud..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(sdks)
                .allowEmptyShould(true)
                .because("cloud SDKs are large and hold credentials: only the cloud collectors' modules use them");
    }

    @Test
    void theCoreNamesNoWing() {
        coreNamesNoWing(CORE, wings).check(production);
    }

    @Test
    void wingsDoNotDependOnEachOther() {
        wingsAreIndependent(wings).forEach(rule -> rule.check(production));
    }

    @Test
    void cloudSdksStayInCloudModules() {
        sdksOnlyInCloudModules(CLOUD_SDKS).check(production);
    }

    @Test
    void wingsRunNoSqlInTheirPagesAndNeedNoAgentOrCli() {
        for (String wing : wings) {
            noClasses()
                    .that()
                    .resideInAPackage(wing + ".ui..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("java.sql..", "org.jdbi..")
                    .because("a page reads through its wing's store, which owns the SQL")
                    .allowEmptyShould(true)
                    .check(production);
            noClasses()
                    .that()
                    .resideInAPackage(wing + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("vigil.agent..", "vigil.cli..", "vigil.kafka..")
                    .check(production);
        }
    }

    @Test
    void eachRuleCatchesAFixtureThatBreaksIt() {
        JavaClasses fixtures =
                new ClassFileImporter().importClasses(CoreNamingAWing.class, AlphaWing.class, BetaCheck.class);
        String alpha = AlphaWing.class.getPackageName();
        String beta = BetaCheck.class.getPackageName();
        assertThatThrownBy(() -> coreNamesNoWing(
                                new String[] {CoreNamingAWing.class.getPackageName() + ".."}, List.of(alpha, beta))
                        .check(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CoreNamingAWing");
        assertThatThrownBy(() -> wingsAreIndependent(List.of(alpha, beta)).forEach(rule -> rule.check(fixtures)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AlphaWing");
        // the SDK rule, given the fixture wing beta as an "SDK": alpha, outside vigil.cloud, uses it
        assertThatThrownBy(() -> sdksOnlyInCloudModules(beta + "..").check(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AlphaWing");
    }
}
