package vigil.agent.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Sends spooled batches in order. A batch leaves the spool only when the server has it (202 stored, or 200
 * duplicate: an earlier attempt got through but its answer was lost). A refusal that retrying cannot fix (400,
 * 413) moves it aside; anything else (no connection, 5xx, 429, 401) stops the round, to retry later in order.
 */
public final class Uploader {
    /** What one round achieved. */
    public record Round(
            int sent,
            int duplicates,
            int rejected,
            int remaining,
            @org.jspecify.annotations.Nullable String problem) {}

    private final HttpClient http;
    private final URI intake;
    private final String apiKey;

    public Uploader(HttpClient http, URI server, String apiKey) {
        this.http = http;
        this.intake = server.resolve("/intake/v1/batches");
        this.apiKey = apiKey;
    }

    public Round flush(Spool spool) throws IOException {
        int sent = 0;
        int duplicates = 0;
        int rejected = 0;
        String problem = null;
        for (Spool.Entry entry : spool.entries()) {
            byte[] body = Files.readAllBytes(entry.file());
            HttpResponse<String> response;
            try {
                response = post(entry.batchId(), body);
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
            int status = response.statusCode();
            if (status == 202 || status == 200) {
                spool.remove(entry);
                if (status == 200) {
                    duplicates++;
                } else {
                    sent++;
                }
            } else if (status == 400 || status == 413) {
                spool.reject(entry);
                rejected++;
            } else {
                problem = "the server answered " + status + ": " + abbreviate(response.body())
                        + (status == 401 ? " (check the API key)" : "") + "; batches stay spooled";
                break;
            }
        }
        return new Round(sent, duplicates, rejected, spool.entries().size(), problem);
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
        HttpResponse<String> response = post(batchId, gzippedBatch);
        return new Delivery(response.statusCode(), abbreviate(response.body()));
    }

    private HttpResponse<String> post(String batchId, byte[] body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(intake)
                        .timeout(Duration.ofMinutes(2))
                        .header("Authorization", "Bearer " + apiKey)
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .header("Idempotency-Key", batchId)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
