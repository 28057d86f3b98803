package vigil.kafka;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** ADR 0030: the queue knows the server only through vigil-spi, so it builds and ships without it. */
class ModuleBoundaryTest {
    @Test
    void theQueueTouchesNothingOfTheServer() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil.kafka");
        assertThat(main.contain(IntakeWorker.class))
                .as("the queue's classes were imported")
                .isTrue();
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("vigil.server..")
                .because("vigil-kafka depends on vigil-spi and vigil-model only (ADR 0030, 0031)")
                .check(main);
    }
}
