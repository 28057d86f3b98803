package vigil.vulndb.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFeedParser;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.feeds.alas.AlasParser;
import vigil.vulndb.feeds.oval.OvalParser;
import vigil.vulndb.feeds.redhat.RedHatParser;
import vigil.vulndb.osv.OsvParser;

/** Untrusted advisory documents: advisories, warnings or an AdvisoryFormatException naming the file; nothing else. */
class FeedParserFuzzTest {
    private static void check(AdvisoryFeedParser parser, byte[] input) throws IOException {
        List<Advisory> advisories = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try {
            parser.parse("fuzz-input", new ByteArrayInputStream(input), advisories::add, warnings);
        } catch (AdvisoryFormatException expected) {
            assertThat(expected.getMessage()).contains("fuzz-input");
        }
        advisories.forEach(advisory -> assertThat(advisory.id()).isNotBlank());
    }

    @FuzzTest(maxDuration = "10s")
    void osv(byte[] input) throws IOException {
        check(new OsvParser(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void oval(byte[] input) throws IOException {
        check(new OvalParser(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void alas(byte[] input) throws IOException {
        check(new AlasParser(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void redHat(byte[] input) throws IOException {
        check(new RedHatParser(), input);
    }
}
