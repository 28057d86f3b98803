package vigil.agent.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Sends spooled batches in order. A batch leaves the spool only when the server has it (202 stored, or 200
 * duplicate: an earlier attempt got through but its answer was lost). A refusal that retrying cannot fix (400,
 * 413) moves it aside; anything else (no connection, 5xx, 429, 401) stops the round, to retry later in order, after
 * the server's {@code Retry-After} when it gave one.
 */
public final class Uploader {
    /**
     * What one round achieved.
     *
     * @param problem why the round stopped with batches left, or null when it sent all it could
     * @param retryAfter how long the server asked to wait before the next try (429, 503), or null
     * @param refusal what the server said of the last batch it refused (400, 413), or null when it refused none
     */
    public record Round(
            int sent,
            int duplicates,
            int rejected,
            int remaining,
            @Nullable String problem,
            @Nullable Duration retryAfter,
            @Nullable String refusal) {
        public Round(
                int sent,
                int duplicates,
                int rejected,
                int remaining,
                @Nullable String problem,
                @Nullable Duration retryAfter) {
            this(sent, duplicates, rejected, remaining, problem, retryAfter, null);
        }
    }

    /** The server's answer to one batch. */
    public record Response(
            int status, String body, @Nullable String retryAfter) {}

    /** How a batch reaches the intake: HTTP here, a hand-written fake in tests. */
    @FunctionalInterface
    public interface Transport {
        Response post(String batchId, byte[] gzippedBatch) throws IOException, InterruptedException;
    }

    /** The longest Retry-After honoured: a server asking for more is retried after an hour all the same. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final Transport transport;
    private final URI intake;

    public Uploader(HttpClient http, URI server, String apiKey) {
        this(server, http(http, server.resolve("/intake/v1/batches"), apiKey));
    }

    public Uploader(URI server, Transport transport) {
        this.intake = server.resolve("/intake/v1/batches");
        this.transport = transport;
    }

    public Round flush(Spool spool) throws IOException {
        int sent = 0;
        int duplicates = 0;
        int rejected = 0;
        String problem = null;
        String refusal = null;
        Duration retryAfter = null;
        for (Spool.Entry entry : spool.entries()) {
            byte[] body = Files.readAllBytes(entry.file());
            Response response;
            try {
                response = transport.post(entry.batchId(), body);
            } catch (IOException e) {
                problem = "cannot reach " + intake.getHost() + ":" + intake.getPort() + " ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); batches stay spooled";
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted";
                break;
            }
            int status = response.status();
            if (status == 202 || status == 200) {
                spool.remove(entry);
                if (status == 200) {
                    duplicates++;
                } else {
                    sent++;
                }
            } else if (status == 400 || status == 413) {
                // the reason is kept beside the batch and told, so that the refusal can be understood and fixed
                refusal = status + " " + abbreviate(response.body());
                spool.reject(entry, refusal);
                rejected++;
            } else {
                retryAfter = retryAfter(response.retryAfter(), java.time.Instant.now());
                problem = "the server answered " + status + ": " + abbreviate(response.body())
                        + (status == 401 ? " (check the API key)" : "")
                        + (retryAfter == null ? "" : " (retry after " + retryAfter.toSeconds() + " s)")
                        + "; batches stay spooled";
                break;
            }
        }
        return new Round(sent, duplicates, rejected, spool.entries().size(), problem, retryAfter, refusal);
    }

    /** What the server answered one batch sent outside the spool. */
    public record Delivery(int status, String body) {
        public boolean delivered() {
            return status == 202 || status == 200;
        }
    }

    /**
     * Sends one batch now, outside the spool ({@code vigil scan --send-to} in a CI job, whose data directory does
     * not outlive it); the caller reports a failure.
     */
    public Delivery send(String batchId, byte[] gzippedBatch) throws IOException, InterruptedException {
        Response response = transport.post(batchId, gzippedBatch);
        return new Delivery(response.status(), abbreviate(response.body()));
    }

    private static Transport http(HttpClient http, URI intake, String apiKey) {
        return (batchId, body) -> {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(intake)
                            .timeout(Duration.ofMinutes(2))
                            .header("Authorization", "Bearer " + apiKey)
                            .header("Content-Type", "application/json")
                            .header("Content-Encoding", "gzip")
                            .header("Idempotency-Key", batchId)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Retry-After").orElse(null));
        };
    }

    /**
     * A Retry-After header (RFC 9110: delay-seconds or an HTTP date) as a wait from {@code now}, at most
     * {@link #MAX_RETRY_AFTER}; null when absent or unreadable (the agent's own back-off applies).
     */
    static @Nullable Duration retryAfter(@Nullable String header, java.time.Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String text = header.strip();
        Duration wait;
        try {
            if (text.chars().allMatch(Character::isDigit)) {
                wait = text.length() > 9 ? MAX_RETRY_AFTER : Duration.ofSeconds(Long.parseLong(text));
            } else {
                wait = Duration.between(
                        now,
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
            }
        } catch (RuntimeException unreadable) {
            return null;
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
