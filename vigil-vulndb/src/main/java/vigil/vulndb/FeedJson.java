package vigil.vulndb;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON reader of every feed parser: a hostile feed (deep nesting, a huge string or number, millions of tokens)
 * fails with a message instead of exhausting the stack or memory. Documents themselves are capped by size while
 * they stream (see {@link AdvisoryFeedParser#maxDocumentBytes()}).
 */
public final class FeedJson {
    /** Deeper than any OSV, CSAF or Red Hat document nests (CSAF product trees reach about 20). */
    static final int MAX_DEPTH = 128;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(64 << 20)
                            .maxNameLength(64 << 10)
                            .maxNumberLength(256)
                            .maxTokenCount(50_000_000)
                            .build())
                    .build())
            .build();

    private FeedJson() {}
}
