package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import vigil.server.VigilServer;
import vigil.server.tls.TlsMaterial;

/** {@code vigil server}: the intake, store and API. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Run the Vigil server: agent intake, the findings store and the REST API under /api/v1.",
            "On the first start of an empty store it creates the organization 'default', an administrator and an",
            "intake API key for agents, and prints them once."
        })
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: 8700).")
    int port = 8700;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: 127.0.0.1; use 0.0.0.0 to accept agents from other hosts).")
    String host = "127.0.0.1";

    @Option(
            names = "--database",
            paramLabel = "URL",
            description =
                    "postgresql://user:password@host:5432/db for PostgreSQL (default: SQLite in the data"
                            + " directory). The environment variable VIGIL_DATABASE_URL keeps the password off the command line.")
    @Nullable
    String database;

    @Option(
            names = "--tls-cert",
            paramLabel = "PEM",
            description = "Serve HTTPS only, with this certificate chain (PEM); needs --tls-key.")
    @Nullable
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8 PEM).")
    @Nullable
    Path tlsKey;

    @Option(
            names = "--tls-keystore",
            paramLabel = "P12",
            description = "Serve HTTPS only, with this PKCS#12 keystore; its password comes from the environment"
                    + " variable VIGIL_TLS_KEYSTORE_PASSWORD.")
    @Nullable
    Path tlsKeystore;

    @Option(
            names = "--agent-minimum-version",
            paramLabel = "VERSION",
            description = "Agents older than this are shown as such on the Setup page (default: the feature matrix's).")
    @Nullable
    String agentMinimumVersion;

    @Option(
            names = "--queue",
            paramLabel = "URL",
            description = {
                "Put agent batches on Apache Kafka for the workers instead of storing them while agents wait:",
                "kafka://HOST:PORT[,HOST:PORT...][?topic=vigil.intake&partitions=12&replication=N&group=vigil-workers"
                        + "&config=CLIENT.properties].",
                "Every instance with the same URL and group shares the work; credentials (TLS, SASL) go in the"
                        + " properties file. Default: the environment variable VIGIL_QUEUE, else none."
            })
    @Nullable
    String queue;

    @Option(
            names = "--allow-webhook-network",
            paramLabel = "CIDR",
            description = {
                "Let notification webhooks reach this range although it is loopback, private or link-local (refused by"
                        + " default, against SSRF), e.g. 10.20.0.0/16 for an internal chat server. Repeatable; also the"
                        + " environment variable VIGIL_ALLOW_WEBHOOK_NETWORK (comma-separated)."
            })
    java.util.List<String> allowWebhookNetwork = new java.util.ArrayList<>();

    @Option(
            names = "--trust-forwarded-from",
            paramLabel = "CIDR",
            description = {
                "Behind a TLS-terminating proxy at this address or range: believe its Forwarded / X-Forwarded-* headers"
                        + " (the session cookie is then Secure and redirects use the public scheme and host). Headers"
                        + " from anyone else are ignored. Repeatable; also VIGIL_TRUST_FORWARDED_FROM (comma-separated)."
            })
    java.util.List<String> trustForwardedFrom = new java.util.ArrayList<>();

    @Mixin
    DataDirOption data = new DataDirOption();

    /** Ranges from the option, else from the environment variable; a bad one is a usage error naming it. */
    static java.util.List<vigil.server.net.Cidr> ranges(String option, java.util.List<String> values, String variable) {
        java.util.List<String> texts = new java.util.ArrayList<>(values);
        String environment = System.getenv(variable);
        if (texts.isEmpty() && environment != null) {
            texts.addAll(java.util.Arrays.asList(environment.split(",")));
        }
        java.util.List<vigil.server.net.Cidr> ranges = new java.util.ArrayList<>();
        for (String text : texts) {
            if (text.isBlank()) {
                continue;
            }
            try {
                ranges.add(vigil.server.net.Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UserError(option + ": " + e.getMessage(), ExitCodes.USAGE);
            }
        }
        return ranges;
    }

    private @Nullable TlsMaterial tls() throws IOException {
        if (tlsKeystore != null) {
            String password = System.getenv("VIGIL_TLS_KEYSTORE_PASSWORD");
            return TlsMaterial.fromPkcs12(tlsKeystore, (password == null ? "" : password).toCharArray());
        }
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new UserError("--tls-cert and --tls-key go together", ExitCodes.USAGE);
            }
            return TlsMaterial.fromPem(tlsCert, tlsKey);
        }
        return null;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        String url = database != null ? database : System.getenv("VIGIL_DATABASE_URL");
        VigilServer server;
        try {
            server = VigilServer.start(
                    new VigilServer.Options(
                                    data.resolve(),
                                    url,
                                    host,
                                    port,
                                    tls(),
                                    java.time.Duration.ofSeconds(30),
                                    agentMinimumVersion != null
                                            ? agentMinimumVersion
                                            : vigil.features.matrix.FeatureMatrix.defaults()
                                                    .agentMinimumVersion())
                            .withQueue(queue != null ? queue : System.getenv("VIGIL_QUEUE"))
                            .withNetwork(vigil.server.net.NetworkOptions.defaults()
                                    .withWebhookAllowed(ranges(
                                            "--allow-webhook-network",
                                            allowWebhookNetwork,
                                            "VIGIL_ALLOW_WEBHOOK_NETWORK"))
                                    .withTrustedProxies(ranges(
                                            "--trust-forwarded-from",
                                            trustForwardedFrom,
                                            "VIGIL_TRUST_FORWARDED_FROM"))),
                    Clock.systemUTC());
        } catch (IOException e) {
            throw new UserError(String.valueOf(e.getMessage()), ExitCodes.ERROR);
        }
        PrintWriter out = Console.out();
        out.println(
                "Vigil server listening on http://" + host + ":" + server.port() + " (data: " + data.resolve() + ")");
        printBootstrap(server, data.resolve(), out);
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT: stop accepting, let requests in flight finish (VigilServer.STOP_TIMEOUT), then close the
        // stores; the JVM waits for this hook, and the main thread returns only once it is done
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.close();
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "vigil-stop"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Prints the first credentials once, and keeps them in a file only root can read, for `vigil start`. */
    static void printBootstrap(VigilServer server, Path dataDirectory, PrintWriter out) throws IOException {
        VigilServer.Bootstrap first = server.bootstrap();
        if (first == null) {
            return;
        }
        Path file = dataDirectory.resolve("initial-credentials");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                file,
                "email=" + first.email() + "\npassword=" + first.password() + "\nintake-api-key=" + first.intakeKey()
                        + "\n");
        out.println();
        out.println("First start: an administrator and an agent API key were created. They are shown once; a copy");
        out.println("readable only by this user is in " + file + " (delete it once you have changed the password).");
        out.println("  admin:   " + first.email() + " / " + first.password());
        out.println("  agents:  VIGIL_API_KEY=" + first.intakeKey());
    }
}
