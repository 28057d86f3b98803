package vigil.server.http;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * ADR 0030: the HTTP layer runs no SQL (stores do) and answers with API records, never a store's rows.
 */
class HttpArchitectureTest {
    private static ArchRule noSql() {
        return noClasses()
                .that()
                .resideInAPackage("vigil.server.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..", "org.jdbi.v3.core.result..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.jdbi.v3.core.Handle")
                .because("SQL belongs to the stores (vigil.server.findings, agents, auth, ...), not to routes");
    }

    @Test
    void routesRunNoSql() {
        JavaClasses http = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil.server.http");
        assertThat(http.contain(ApiRoutes.class)).as("the routes were imported").isTrue();
        noSql().check(http);
        assertThatThrownBy(() -> noSql().check(new ClassFileImporter().importClasses(SqlInARoute.class)))
                .as("the rule catches a route that queries")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("SqlInARoute");
    }

    /** What the rule forbids: a query in a route, as {@code GET /api/v1/agents} ran one before. */
    static final class SqlInARoute {
        static int count(Jdbi jdbi) {
            return jdbi.withHandle(handle ->
                    handle.createQuery("SELECT 1").mapTo(Integer.class).one());
        }
    }
}
