package vigil.vulndb;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import vigil.model.ProgressListener;
import vigil.vulndb.osv.OsvParser;
import vigil.vulndb.store.AdvisoryStoreBuilder;

/**
 * Imports advisory files into the database: single files, directory trees, {@code .zip} dumps (OSV's
 * {@code all.zip}), {@code .tar.gz}, and {@code .gz}/{@code .bz2}/{@code .xz} wrappers. Each document goes to the
 * first parser that accepts it. Sizes are capped, so a zip bomb or a huge file is refused with a message.
 */
public final class DatabaseImporter {
    /** Bytes read to choose a parser, before the parser's own limit is known. */
    private static final int HEAD = 8192;
    /** All documents of one import together. */
    static final long TOTAL_LIMIT = 64L << 30;

    /** What an import did. */
    public record Result(long advisories, Map<String, Long> documentsByParser, List<String> warnings) {}

    private final List<AdvisoryFeedParser> parsers;
    private final Clock clock;

    public DatabaseImporter(List<AdvisoryFeedParser> parsers, Clock clock) {
        this.parsers = List.copyOf(parsers);
        this.clock = clock;
    }

    /** The OSV parser and every parser registered with {@link ServiceLoader}. */
    public static List<AdvisoryFeedParser> defaultParsers() {
        List<AdvisoryFeedParser> parsers = new ArrayList<>();
        parsers.add(new OsvParser());
        ServiceLoader.load(AdvisoryFeedParser.class).forEach(parsers::add);
        return parsers;
    }

    public List<AdvisoryFeedParser> parsers() {
        return parsers;
    }

    /**
     * Imports {@code inputs} into the database at {@code database} and publishes the new version atomically.
     *
     * @param merge keep what the database already holds (import); false rebuilds it from the inputs (update)
     */
    public Result importInto(Path database, List<Path> inputs, boolean merge, ProgressListener progress)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        Map<String, Long> documents = new LinkedHashMap<>();
        long[] total = {0};
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(database, merge);
                BackgroundWriter writer = new BackgroundWriter(builder)) {
            progress.begin("Importing advisories", -1);
            for (Path input : inputs) {
                if (!Files.exists(input)) {
                    throw new IOException("advisory input " + input + " does not exist");
                }
                if (Files.isDirectory(input)) {
                    List<Path> files;
                    List<Path> links;
                    // Links are never followed: one could lead anywhere on this machine (/etc/shadow, a key).
                    try (Stream<Path> walk = Files.walk(input)) {
                        List<Path> all = walk.toList();
                        files = all.stream()
                                .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                                .sorted()
                                .toList();
                        links = all.stream()
                                .filter(Files::isSymbolicLink)
                                .sorted()
                                .toList();
                    }
                    if (!links.isEmpty()) {
                        warnings.add(input + ": " + links.size() + " symbolic link(s) not followed (" + links.getFirst()
                                + (links.size() > 1 ? ", ..." : "") + "); copy the files themselves to import them");
                    }
                    for (Path file : files) {
                        importFile(file, writer, documents, warnings, total, progress);
                    }
                } else {
                    importFile(input, writer, documents, warnings, total, progress);
                }
            }
            writer.finish();
            if (builder.written() == 0 && !merge) {
                throw new IOException(
                        "no advisories found in " + inputs
                                + "; expected OSV JSON (files, directories or all.zip dumps) or vendor feeds (ALAS, OVAL, Red Hat)");
            }
            builder.publish(clock.instant());
            progress.end();
            return new Result(builder.written(), documents, warnings);
        }
    }

    private void importFile(
            Path file,
            BackgroundWriter builder,
            Map<String, Long> documents,
            List<String> warnings,
            long[] total,
            ProgressListener progress)
            throws IOException {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        try (InputStream raw = Files.newInputStream(file)) {
            if (lower.endsWith(".zip")) {
                try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(raw))) {
                    ZipEntry entry;
                    while ((entry = zip.getNextEntry()) != null) {
                        if (!entry.isDirectory()) {
                            document(
                                    file + "!" + entry.getName(),
                                    entry.getName(),
                                    nonClosing(zip),
                                    builder,
                                    documents,
                                    warnings,
                                    total,
                                    progress);
                        }
                    }
                }
            } else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar")) {
                InputStream stream = lower.endsWith(".tar") ? raw : new GZIPInputStream(new BufferedInputStream(raw));
                try (TarArchiveInputStream tar = new TarArchiveInputStream(stream)) {
                    TarArchiveEntry entry;
                    while ((entry = tar.getNextEntry()) != null) {
                        if (entry.isFile()) {
                            document(
                                    file + "!" + entry.getName(),
                                    entry.getName(),
                                    nonClosing(tar),
                                    builder,
                                    documents,
                                    warnings,
                                    total,
                                    progress);
                        }
                    }
                }
            } else if (lower.endsWith(".gz")) {
                document(
                        file.toString(),
                        name.substring(0, name.length() - 3),
                        new GZIPInputStream(new BufferedInputStream(raw)),
                        builder,
                        documents,
                        warnings,
                        total,
                        progress);
            } else if (lower.endsWith(".bz2")) {
                document(
                        file.toString(),
                        name.substring(0, name.length() - 4),
                        new BZip2CompressorInputStream(new BufferedInputStream(raw)),
                        builder,
                        documents,
                        warnings,
                        total,
                        progress);
            } else if (lower.endsWith(".xz")) {
                document(
                        file.toString(),
                        name.substring(0, name.length() - 3),
                        new XZCompressorInputStream(new BufferedInputStream(raw)),
                        builder,
                        documents,
                        warnings,
                        total,
                        progress);
            } else {
                document(file.toString(), name, raw, builder, documents, warnings, total, progress);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof AdvisoryFormatException
                    || e instanceof java.util.zip.ZipException
                    || e instanceof java.io.EOFException
                    || e instanceof LimitExceeded
                    || e instanceof IllegalArgumentException) {
                // A damaged or hostile file (truncated gzip, bad tar header, bomb) fails alone, named.
                warnings.add(describe(file, e) + "; skipped");
                return;
            }
            if (e instanceof IOException
                    && (e.getMessage() == null || !e.getMessage().contains(name))) {
                throw new IOException(describe(file, e), e);
            }
            throw e;
        }
    }

    private static String describe(Path file, Exception e) {
        String message =
                e.getMessage() == null ? e.getClass().getSimpleName() + " (truncated or damaged?)" : e.getMessage();
        return message.contains(file.getFileName().toString()) ? message : file + ": " + message;
    }

    private void document(
            String where,
            String name,
            InputStream input,
            BackgroundWriter builder,
            Map<String, Long> documents,
            List<String> warnings,
            long[] total,
            ProgressListener progress)
            throws IOException {
        Limited limited = new Limited(input, where, total);
        BufferedInputStream buffered =
                new BufferedInputStream(limited, HEAD); // per document: 64 KiB each cost a tenth of an import
        buffered.mark(HEAD);
        byte[] head = buffered.readNBytes(HEAD);
        buffered.reset();
        Optional<AdvisoryFeedParser> parser = parsers.stream()
                .filter(candidate -> candidate.accepts(name, head))
                .findFirst();
        parser.ifPresent(chosen -> limited.limit(chosen.maxDocumentBytes()));
        if (parser.isEmpty()) {
            if (!name.endsWith(".md") && !name.endsWith(".txt") && !name.startsWith("LICENSE")) {
                warnings.add(where + ": not a format Vigil imports (OSV JSON, ALAS, OVAL, Red Hat data); skipped");
            }
            return;
        }
        IOException[] failure = {null};
        // A document that fails half-way leaves none of its advisories: the database never holds half a feed.
        builder.savepoint();
        try {
            parser.get()
                    .parse(
                            where,
                            buffered,
                            advisory -> {
                                if (failure[0] != null) {
                                    return;
                                }
                                try {
                                    builder.put(advisory);
                                    progress.advance(1);
                                } catch (IOException e) {
                                    failure[0] = e;
                                }
                            },
                            warnings);
        } catch (AdvisoryFormatException e) {
            builder.rollback();
            warnings.add(e.getMessage() == null ? where + ": malformed" : withName(where, e.getMessage()));
            return;
        } catch (IOException | RuntimeException e) {
            builder.rollback();
            throw e;
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        builder.release();
        documents.merge(parser.get().name(), 1L, Long::sum);
    }

    private static String withName(String where, String message) {
        return message.contains(where) ? message : where + ": " + message;
    }

    private static InputStream nonClosing(InputStream stream) {
        return new FilterInputStream(stream) {
            @Override
            public void close() {}
        };
    }

    /** Raised when a document or an import exceeds its byte budget. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message);
        }
    }

    /** Counts bytes of one document and of the whole import, refusing past the limits. */
    private static final class Limited extends FilterInputStream {
        private final String where;
        private final long[] total;
        private long count;
        private long limit = 64L << 20;

        /** The chosen parser's own limit replaces the default once the document's format is known. */
        void limit(long bytes) {
            limit = bytes;
        }

        Limited(InputStream input, String where, long[] total) {
            super(input);
            this.where = where;
            this.total = total;
        }

        private void add(long bytes) throws LimitExceeded {
            count += bytes;
            total[0] += bytes;
            if (count > limit) {
                throw new LimitExceeded(where + " is larger than " + (limit >> 20)
                        + " MiB once decompressed; refusing it (a decompression bomb?); nothing from it was imported");
            }
            if (total[0] > TOTAL_LIMIT) {
                throw new LimitExceeded("this import is larger than " + (TOTAL_LIMIT >> 30)
                        + " GiB once decompressed; refusing " + where);
            }
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                add(1);
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                add(read);
            }
            return read;
        }
    }
}
