package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FindingExportTest {
    @Test
    void csvQuotesAndDisarmsFormulas() {
        assertThat(FindingExport.csvLine(Arrays.asList("a", null, "b,c", "say \"hi\"", "=HYPERLINK(\"x\")", "-1")))
                .isEqualTo("a,,\"b,c\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",'-1\r\n");
    }
}
