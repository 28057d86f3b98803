package vigil.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module rules of DESIGN.md, held by the build. */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil");
        // Guard against a rule passing because nothing was imported.
        assertThat(production.stream().map(JavaClass::getPackageName))
                .contains(
                        "vigil.model",
                        "vigil.versions",
                        "vigil.inventory",
                        "vigil.vulndb",
                        "vigil.features.check",
                        "vigil.spi.intake",
                        "vigil.agent.run",
                        "vigil.kafka",
                        "vigil.posture.engine",
                        "vigil.posture.checks.host",
                        "vigil.misconfigurations.wing",
                        "vigil.cli");
    }

    @Test
    void modelDependsOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("vigil.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.versions..", "vigil.inventory..", "vigil.vulndb..", "vigil.cli..")
                .check(production);
    }

    @Test
    void versionsDependOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("vigil.versions..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.model..", "vigil.inventory..", "vigil.vulndb..", "vigil.cli..")
                .check(production);
    }

    @Test
    void inventoryAndAdvisoryDatabaseAreIndependent() {
        noClasses()
                .that()
                .resideInAPackage("vigil.inventory..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.vulndb..", "vigil.cli..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("vigil.vulndb..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.inventory..", "vigil.cli..")
                .check(production);
    }

    /** DESIGN.md: the agent never depends on the server or on cloud SDKs. */
    @Test
    void theAgentDependsOnNeitherServerNorCloudSdks() {
        noClasses()
                .that()
                .resideInAPackage("vigil.agent..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "vigil.server..",
                        "vigil.cli..",
                        "vigil.vulndb..",
                        "software.amazon..",
                        "com.azure..",
                        "com.google.cloud..")
                .check(production);
    }

    /** ADR 0030: the feature matrix and the SPI are the core's, shared by agent, server and queues; they use neither. */
    @Test
    void featuresAndSpiDependOnNoRunningPart() {
        noClasses()
                .that()
                .resideInAnyPackage("vigil.features..", "vigil.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.agent..", "vigil.server..", "vigil.kafka..", "vigil.cli..", "vigil.vulndb..")
                .check(production);
    }

    /** Every route declares its permission: only SecuredRoutes may register routes with Javalin. */
    @Test
    void routesAreRegisteredOnlyWithAPermission() {
        routeRule().check(production);
        JavaClasses rogue = new ClassFileImporter().importClasses(vigil.cli.archfixture.RogueRoute.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> routeRule().check(rogue))
                .as("the rule catches a route registered outside SecuredRoutes")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("RogueRoute");
    }

    private static com.tngtech.archunit.lang.ArchRule routeRule() {
        return noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vigil.server.http.SecuredRoutes")
                .should()
                .callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "a route registration on Javalin",
                        call -> call.getTargetOwner().isAssignableTo("io.javalin.router.JavalinDefaultRoutingApi")
                                && java.util.Set.of(
                                                "get",
                                                "post",
                                                "put",
                                                "patch",
                                                "delete",
                                                "head",
                                                "addEndpoint",
                                                "apiBuilder")
                                        .contains(call.getName())));
    }

    /** The server's core is used by the CLI that starts it and by the wings that plug into it (ADR 0037). */
    @Test
    void nothingDependsOnTheServerButTheCliAndTheWings() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "vigil.server..",
                        "vigil.cli..",
                        "vigil.vulnerabilities..",
                        "vigil.threats.wing..",
                        "vigil.misconfigurations..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("vigil.server..")
                .check(production);
    }

    /**
     * ADR 0054: the posture engine is a library (the model's severities aside, it uses nothing of ours), and the
     * agent's posture checks never reach the server: the wing stores, the checks evaluate.
     */
    @Test
    void thePostureEngineIsALibraryAndItsChecksStayOffTheServer() {
        noClasses()
                .that()
                .resideInAnyPackage("vigil.posture.model..", "vigil.posture.rule..", "vigil.posture.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "vigil.posture.checks..",
                        "vigil.inventory..",
                        "vigil.agent..",
                        "vigil.server..",
                        "vigil.cli..",
                        "vigil.threats..")
                .check(production);
        noClasses()
                .that()
                .resideInAPackage("vigil.posture.checks..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.server..", "vigil.misconfigurations..", "vigil.cli..", "vigil.threats..")
                .check(production);
    }

    /** Kafka is optional: the server finds it through ServiceLoader, and its client stays in its module. */
    @Test
    void kafkaStaysInItsModule() {
        noClasses()
                .that()
                .resideOutsideOfPackage("vigil.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("vigil.kafka..", "org.apache.kafka..")
                .check(production);
    }

    @Test
    void internalPackagesStayInsideTheirModule() {
        for (String module : new String[] {"model", "versions", "inventory", "vulndb", "features", "spi", "agent"}) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage("vigil." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("vigil." + module + "..internal..")
                    .allowEmptyShould(true)
                    .check(production);
        }
    }

    @Test
    void everyPackageIsNullMarked() {
        Set<String> unmarked = new TreeSet<>();
        for (JavaClass javaClass : production) {
            if (!javaClass.getPackage().isAnnotatedWith(NullMarked.class)) {
                unmarked.add(javaClass.getPackageName());
            }
        }
        assertThat(unmarked).as("packages without @NullMarked package-info").isEmpty();
    }

    @Test
    void onlyTheCliWritesToStandardStreams() {
        noClasses()
                .that()
                .resideOutsideOfPackage("vigil.cli..")
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .check(production);
    }
}
