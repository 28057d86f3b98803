package vigil.server.findings;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import vigil.server.http.ApiRoutes;
import vigil.server.intake.Intake;
import vigil.server.ui.UiRoutes;
import vigil.server.ui.archfixture.ScanFromAPage;
import vigil.server.wing.SectionHandler;

/**
 * ADR 0030 stage 4: the finding store is split by job, and reads never write. Pages, API routes and the read side
 * of the store (lists, groups, export) do not use {@link FindingWriter} or its running counts; only intake's
 * matching stores scan results. Triage (mute, assign) is the one write people make, through {@link Triage}.
 */
class FindingLayersTest {
    private static ArchRule readersDoNotWrite() {
        return noClasses()
                .that()
                .resideInAnyPackage("vigil.server.ui..", "vigil.server.http..")
                .or()
                .belongToAnyOf(FindingQueries.class, FindingRows.class, TextSearch.class, FindingExport.class)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(FindingWriter.class, RowBatch.class, StatusCounts.class, KeyCounts.class)
                .because("scan results are written by intake's matching (FindingWriter); pages, routes and queries"
                        + " only read, and people's changes go through Triage");
    }

    private static ArchRule queriesDoNotTriage() {
        return noClasses()
                .that()
                .belongToAnyOf(FindingQueries.class, FindingRows.class, TextSearch.class, FindingExport.class)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(Triage.class)
                .because("the read side of the finding store never changes a finding");
    }

    @Test
    void pagesRoutesAndQueriesDoNotWriteFindings() {
        JavaClasses server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vigil.server");
        assertThat(server.contain(UiRoutes.class) && server.contain(ApiRoutes.class))
                .as("the server's pages and routes were imported")
                .isTrue();
        assertThat(server.get(Intake.class).getDirectDependenciesFromSelf())
                .as("intake stores through the wings' section handlers, which write through FindingWriter")
                .anyMatch(dependency -> dependency.getTargetClass().isEquivalentTo(SectionHandler.class));
        readersDoNotWrite().check(server);
        queriesDoNotTriage().check(server);
    }

    @Test
    void aPageThatStoresAScanBreaksTheRule() {
        assertThatThrownBy(() -> readersDoNotWrite().check(new ClassFileImporter().importClasses(ScanFromAPage.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ScanFromAPage")
                .hasMessageContaining("replaceScan");
    }
}
