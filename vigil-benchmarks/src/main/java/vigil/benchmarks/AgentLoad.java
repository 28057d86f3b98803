package vigil.benchmarks;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPOutputStream;

/**
 * A bounded load test: {@code agents} simulated agents each send a heartbeat batch every {@code interval} for
 * {@code seconds}, while one reader lists findings 20 times a second; prints request counts and latency percentiles.
 *
 * <p>usage: {@code java -cp benchmarks.jar vigil.benchmarks.AgentLoad URL INTAKE_KEY READ_TOKEN AGENTS SECONDS
 * INTERVAL_MS}
 */
public final class AgentLoad {
    private AgentLoad() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String key = args[1];
        String token = args[2];
        int agents = Integer.parseInt(args[3]);
        long seconds = Long.parseLong(args[4]);
        long interval = Long.parseLong(args[5]);
        HttpClient http = HttpClient.newBuilder()
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
        ConcurrentLinkedQueue<Long> intake = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> failures = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agentId = "load-agent-" + String.format("%04d", a);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep((long) (Math.random() * interval));
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(URI.create(url + "/intake/v1/batches"))
                                        .header("Authorization", "Bearer " + key)
                                        .header("Content-Encoding", "gzip")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(heartbeat(agentId)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        intake.add(System.nanoTime() - start);
                        if (response.statusCode() != 202) {
                            failures.add(response.statusCode());
                        }
                        Thread.sleep(Math.max(0, interval - (System.nanoTime() - start) / 1_000_000));
                    }
                } catch (Exception e) {
                    failures.add(-1);
                }
            }));
        }
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(url + "/api/v1/findings?status=open&limit=100"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    reads.add(System.nanoTime() - start);
                    if (response.statusCode() != 200) {
                        failures.add(response.statusCode());
                    }
                    Thread.sleep(50); // a dashboard or a person, not a flood: the rate limit would answer 429
                }
            } catch (Exception e) {
                failures.add(-2);
            }
        }));
        for (Thread thread : threads) {
            thread.join();
        }
        report("intake (heartbeat batches)", intake, seconds);
        report("GET /api/v1/findings", reads, seconds);
        System.out.println("failures: " + failures.size() + " "
                + failures.stream().distinct().toList());
    }

    private static void report(String what, ConcurrentLinkedQueue<Long> samples, long seconds) {
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            System.out.println(what + ": no requests");
            return;
        }
        System.out.printf(
                "%s: %d requests (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                what,
                sorted.size(),
                sorted.size() / (double) seconds,
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e6,
                sorted.getLast() / 1e6);
    }

    private static byte[] heartbeat(String agentId) throws Exception {
        String body = "{\"batchId\":\"" + UUID.randomUUID() + "\",\"agent\":{\"id\":\"" + agentId
                + "\",\"hostname\":\"" + agentId + "\",\"version\":\"0.1.0\",\"deployment\":\"linux\",\"facts\":{},"
                + "\"capabilities\":[]},\"inventories\":[]}";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
