package vigil.vulndb;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import vigil.model.ProgressListener;
import vigil.vulndb.store.AdvisoryStore;

/**
 * Downloads every feed's files (from its public URL, or from a plain HTTP mirror with the same layout) into the
 * data directory's cache with conditional requests, then rebuilds the database from the cache atomically.
 */
public final class DatabaseUpdater {
    /** No feed file is anywhere near this (Oracle's whole OVAL feed is about 100 MB compressed). */
    static final long MAX_DOWNLOAD_BYTES = 4L << 30;

    private final HttpClient http;
    private final DatabaseImporter importer;

    private final Duration stallTimeout;

    public DatabaseUpdater(HttpClient http, DatabaseImporter importer) {
        this(http, importer, Duration.ofSeconds(60));
    }

    /**
     * @param stallTimeout how long a download may go without receiving a byte before it is abandoned; a whole-request
     *     timeout would either cut off slow but healthy links or wait far too long on a dead one
     */
    public DatabaseUpdater(HttpClient http, DatabaseImporter importer, Duration stallTimeout) {
        this.http = http;
        this.importer = importer;
        this.stallTimeout = stallTimeout;
    }

    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Fetches and rebuilds.
     *
     * @param mirror base URL serving every feed's files at the same relative paths; null for the public sources
     */
    public DatabaseImporter.Result update(Path dataDirectory, @Nullable URI mirror, ProgressListener progress)
            throws IOException {
        Path cache = dataDirectory.resolve("cache").resolve("feeds");
        List<Path> downloaded = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<AdvisoryFeedParser> feeds = importer.parsers().stream()
                .filter(parser -> !parser.downloadPaths().isEmpty())
                .toList();
        long files = feeds.stream()
                .mapToLong(parser -> parser.downloadPaths().size())
                .sum();
        progress.begin("Downloading advisory feeds", files);
        for (AdvisoryFeedParser feed : feeds) {
            String base = mirror != null ? mirror.toString() : feed.defaultBaseUrl();
            if (!base.endsWith("/")) {
                base = base + "/";
            }
            for (String path : feed.downloadPaths()) {
                URI uri = URI.create(base + path);
                Path local = cache.resolve(feed.name()).resolve(URLDecoder.decode(path, StandardCharsets.UTF_8));
                if (!local.normalize().startsWith(cache)) {
                    throw new IOException("feed path " + path + " leaves the cache directory");
                }
                try {
                    download(uri, local);
                    downloaded.add(local);
                } catch (IOException e) {
                    failures.add(uri + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("download interrupted", e);
                }
                progress.advance(1);
            }
        }
        progress.end();
        if (!failures.isEmpty()) {
            throw new IOException("could not download " + failures.size() + " of " + files + " advisory files:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(5, failures.size())))
                    + (failures.size() > 5 ? "\n  ..." : "")
                    + "\nThe previous database, if any, is unchanged. If this machine has no internet access, download"
                    + " the OSV dumps (https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip) and the"
                    + " vendor feeds elsewhere and run 'vigil db import DIR', or serve them from a mirror and run"
                    + " 'vigil db update --mirror URL'.");
        }
        return importer.importInto(AdvisoryStore.fileIn(dataDirectory), downloaded, false, progress);
    }

    /** Sends asynchronously and cancels the exchange when the partial file stops growing for {@link #stallTimeout}. */
    private HttpResponse<Path> sendWatchingForStalls(HttpRequest request, Path partial)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<Path>> future =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofFile(partial));
        long lastSize = -1;
        long lastProgress = System.nanoTime();
        long poll = Math.max(10, Math.min(1000, stallTimeout.toMillis() / 4));
        while (true) {
            try {
                return future.get(poll, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                long size = Files.exists(partial) ? Files.size(partial) : 0;
                if (size > MAX_DOWNLOAD_BYTES) {
                    future.cancel(true);
                    throw new AbandonedDownload("the server sent more than " + (MAX_DOWNLOAD_BYTES >> 30)
                            + " GiB; refusing it (no advisory feed is that large)");
                }
                if (size != lastSize) {
                    lastSize = size;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                    future.cancel(true);
                    throw new AbandonedDownload("no data received for " + stallTimeout.toSeconds() + " s after " + size
                            + " bytes; the connection stalled");
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(String.valueOf(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                future.cancel(true);
                throw e;
            }
        }
    }

    /** GETs {@code uri} into {@code local}, sending the validators of the cached copy; 304 keeps it. */
    private void download(URI uri, Path local) throws IOException, InterruptedException {
        OwnerOnly.createDirectories(
                java.util.Objects.requireNonNull(local.getParent(), "a cache file has no directory"));
        Path meta = local.resolveSibling(local.getFileName() + ".meta");
        Properties validators = new Properties();
        if (Files.isRegularFile(meta) && Files.isRegularFile(local)) {
            try (var reader = Files.newBufferedReader(meta)) {
                validators.load(reader);
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        String etag = validators.getProperty("etag");
        String modified = validators.getProperty("last-modified");
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        if (modified != null) {
            request.header("If-Modified-Since", modified);
        }
        Path partial = local.resolveSibling(local.getFileName() + ".partial");
        HttpResponse<Path> response;
        try {
            response = sendWatchingForStalls(request.build(), partial);
        } catch (AbandonedDownload e) {
            Files.deleteIfExists(partial);
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw new IOException("could not reach " + uri.getHost() + ": " + describe(e), e);
        }
        if (response.statusCode() == 304) {
            Files.deleteIfExists(partial);
            return;
        }
        if (response.statusCode() != 200) {
            Files.deleteIfExists(partial);
            throw new IOException("HTTP " + response.statusCode());
        }
        long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (expected >= 0 && Files.size(partial) != expected) {
            Files.deleteIfExists(partial);
            throw new IOException("truncated download (" + Files.size(partial) + " of " + expected + " bytes)");
        }
        OwnerOnly.restrict(partial);
        Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Properties fresh = new Properties();
        response.headers().firstValue("etag").ifPresent(value -> fresh.setProperty("etag", value));
        response.headers().firstValue("last-modified").ifPresent(value -> fresh.setProperty("last-modified", value));
        try (var writer = Files.newBufferedWriter(meta)) {
            fresh.store(writer, "validators of " + uri);
        }
        OwnerOnly.restrict(meta);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException || message == null || message.isBlank()) {
            return "connection refused or no route (" + e.getClass().getSimpleName() + ")";
        }
        return message;
    }

    private static final class AbandonedDownload extends IOException {
        private static final long serialVersionUID = 1L;

        AbandonedDownload(String message) {
            super(message);
        }
    }
}
