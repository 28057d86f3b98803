package vigil.vulndb;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads one advisory feed format (OSV JSON, Amazon ALAS, Oracle ELSA OVAL, Red Hat data ...) into normalized
 * {@link Advisory} records. The importer asks every registered parser whether it accepts a file, then streams it.
 */
public interface AdvisoryFeedParser {
    /** A short name for messages and {@code vigil db status}: "osv", "alas", "elsa", "redhat". */
    String name();

    /**
     * Whether this parser reads the file named {@code fileName} whose first bytes are {@code head} (up to 8 KiB,
     * already decompressed when the file was gzip/bzip2/xz compressed).
     */
    boolean accepts(String fileName, byte[] head);

    /**
     * Parses the whole input, handing each advisory to {@code sink} as soon as it is complete (bounded memory for
     * large feeds). A malformed record is skipped with a message in {@code warnings} naming the file and record; an
     * input that is not this format at all throws {@link AdvisoryFormatException}.
     */
    void parse(String fileName, InputStream input, Consumer<Advisory> sink, List<String> warnings) throws IOException;

    /**
     * Files this feed is downloaded from, relative to its default base URL (see {@link #defaultBaseUrl()}); a mirror
     * serves the same relative paths. Empty when the feed is import-only.
     */
    default List<String> downloadPaths() {
        return List.of();
    }

    /**
     * The largest document (after decompression) this parser accepts. Parsers that build a tree in memory keep the
     * default; streaming parsers of big vendor files (OVAL) raise it.
     */
    default long maxDocumentBytes() {
        return 64L << 20;
    }

    /** The public base URL of this feed's downloads, e.g. {@code https://osv-vulnerabilities.storage.googleapis.com}. */
    default String defaultBaseUrl() {
        return "";
    }
}
