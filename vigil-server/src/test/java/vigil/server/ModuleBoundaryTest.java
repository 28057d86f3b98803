package vigil.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** ADR 0030: the server reads the feature matrix from vigil-features, never from the agent. */
class ModuleBoundaryTest {
    @Test
    void theServerTouchesNothingOfTheAgent() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil.server");
        assertThat(main.contain(VigilServer.class))
                .as("the server's classes were imported")
                .isTrue();
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("vigil.agent..")
                .because("the server depends on vigil-features for the matrix and the check (ADR 0030)")
                .check(main);
    }
}
