package vigil.server.ui;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web UI's layers (ADR 0032): templates see view records only, and no UI class sees JDBC or the store. */
class UiArchitectureTest {
    private static JavaClasses ui;

    @BeforeAll
    static void importClasses() {
        ui = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil.server.ui");
        // a rule over nothing passes: make sure the compiled templates were imported (the wings' pages are held to
        // the same rule by vigil-cli's WingArchitectureTest)
        assertThat(ui.stream().map(JavaClass::getPackageName))
                .contains("vigil.server.ui", "vigil.server.ui.view", Templates.PACKAGE + ".core");
    }

    @Test
    void noUiClassOrTemplateDependsOnJdbcOrTheStore() {
        noJdbc().check(ui);
        JavaClasses rogue = new ClassFileImporter().importClasses(JdbcInTheUi.class);
        assertThatThrownBy(() -> noJdbc().check(rogue))
                .as("the rule catches a UI class that maps a ResultSet")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("JdbcInTheUi");
    }

    private static ArchRule noJdbc() {
        return noClasses()
                .that()
                .resideInAPackage("vigil.server.ui..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..", "vigil.server.store..");
    }

    /** What the rule forbids: reading JDBC rows in the UI, as the pages did before ADR 0032. */
    static final class JdbcInTheUi {
        static String first(java.sql.ResultSet rows) throws java.sql.SQLException {
            return rows.getString(1);
        }
    }

    @Test
    void templatesSeeViewRecordsNotStoreRowsOrRequests() {
        noClasses()
                .that()
                .resideInAPackage(Templates.PACKAGE + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "vigil.server.findings..",
                        "vigil.server.auth..",
                        "vigil.server.intake..",
                        "org.jdbi..",
                        "io.javalin..",
                        "tools.jackson..")
                .check(ui);
    }

    @Test
    void viewRecordsAreDataOnly() {
        noClasses()
                .that()
                .resideInAPackage("vigil.server.ui.view..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "vigil.server.findings..",
                        "vigil.server.auth..",
                        "vigil.server.http..",
                        "vigil.server.intake..",
                        "org.jdbi..",
                        "io.javalin..")
                .because("a view is display-ready data a template can be rendered from in a test")
                .check(ui);
    }
}
