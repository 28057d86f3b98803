package vigil.server;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson3;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import vigil.features.matrix.FeatureMatrix;
import vigil.server.auth.Accounts;
import vigil.server.auth.ApiKeyScope;
import vigil.server.auth.Logins;
import vigil.server.auth.Role;
import vigil.server.auth.SecretBox;
import vigil.server.auth.Secrets;
import vigil.server.findings.FindingQueries;
import vigil.server.findings.FindingWriter;
import vigil.server.findings.Triage;
import vigil.server.health.Health;
import vigil.server.http.ApiRoutes;
import vigil.server.http.RateLimiter;
import vigil.server.http.SecuredRoutes;
import vigil.server.http.SecurityHeaders;
import vigil.server.intake.Intake;
import vigil.server.intake.IntakeQueues;
import vigil.server.net.AddressRules;
import vigil.server.net.HttpHardening;
import vigil.server.net.NetworkOptions;
import vigil.server.notify.Notifications;
import vigil.server.notify.WebhookClient;
import vigil.server.store.Database;
import vigil.server.store.StoreUnavailableException;
import vigil.server.tls.TlsMaterial;
import vigil.server.ui.FindingTables;
import vigil.server.ui.UiRoutes;
import vigil.server.wing.BackgroundTask;
import vigil.server.wing.WingContext;
import vigil.server.wing.Wings;
import vigil.spi.intake.BatchSink;
import vigil.spi.intake.IntakeLimits;
import vigil.spi.intake.IntakeQueue;

/**
 * The server: store, intake, API and web UI on one Jetty, with the wings found on the class path (ADR 0037), started
 * and stopped as a unit.
 */
public final class VigilServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VigilServer.class);

    /**
     * Largest request body accepted; larger ones get 413. A batch may be sent without compression, so this is the
     * decompressed limit of a batch (ADR 0015); a gzip batch of a real host is about 100 KiB.
     */
    public static final long MAX_REQUEST_BYTES = IntakeLimits.MAX_BATCH_BYTES;

    /**
     * How long a stop waits for requests in flight to finish before the stores close: a batch being stored finishes
     * and is answered; requests arriving meanwhile get 503 and are retried by the agent.
     */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * How to run.
     *
     * @param database null for SQLite in the data directory
     * @param host the address to listen on ({@code 127.0.0.1} by default: exposing it is a decision)
     * @param queue null to store batches as they arrive; a URL such as {@code kafka://host:9092} to queue them for
     *     workers ({@link IntakeQueues})
     * @param network webhook ranges an administrator allows, trusted proxies, the slow-client deadline
     */
    public record Options(
            Path dataDirectory,
            @Nullable String database,
            String host,
            int port,
            @Nullable TlsMaterial tls,
            Duration notificationBackoff,
            String agentMinimumVersion,
            @Nullable String queue,
            NetworkOptions network) {
        public Options(
                Path dataDirectory,
                @Nullable String database,
                String host,
                int port,
                @Nullable TlsMaterial tls,
                Duration notificationBackoff,
                String agentMinimumVersion,
                @Nullable String queue) {
            this(
                    dataDirectory,
                    database,
                    host,
                    port,
                    tls,
                    notificationBackoff,
                    agentMinimumVersion,
                    queue,
                    NetworkOptions.defaults());
        }

        public Options(
                Path dataDirectory,
                @Nullable String database,
                String host,
                int port,
                @Nullable TlsMaterial tls,
                Duration notificationBackoff,
                String agentMinimumVersion) {
            this(dataDirectory, database, host, port, tls, notificationBackoff, agentMinimumVersion, null);
        }

        public Options(Path dataDirectory, @Nullable String database, String host, int port) {
            this(dataDirectory, database, host, port, null, Duration.ofSeconds(30));
        }

        public Options(
                Path dataDirectory, @Nullable String database, String host, int port, @Nullable TlsMaterial tls) {
            this(dataDirectory, database, host, port, tls, Duration.ofSeconds(30));
        }

        public Options(
                Path dataDirectory,
                @Nullable String database,
                String host,
                int port,
                @Nullable TlsMaterial tls,
                Duration notificationBackoff) {
            this(
                    dataDirectory,
                    database,
                    host,
                    port,
                    tls,
                    notificationBackoff,
                    FeatureMatrix.defaults().agentMinimumVersion());
        }

        public Options withQueue(@Nullable String url) {
            return new Options(
                    dataDirectory, database, host, port, tls, notificationBackoff, agentMinimumVersion, url, network);
        }

        public Options withNetwork(NetworkOptions settings) {
            return new Options(
                    dataDirectory,
                    database,
                    host,
                    port,
                    tls,
                    notificationBackoff,
                    agentMinimumVersion,
                    queue,
                    settings);
        }
    }

    /** The first administrator and an intake key, made on the first start of an empty store. */
    public record Bootstrap(String email, String password, String intakeKey) {}

    private final Database database;
    private final Javalin app;
    private final Wings wings;
    private final List<SecuredRoutes.Route> routes;
    private final BackgroundTasks watcher;
    private final @Nullable Bootstrap bootstrap;
    private final @Nullable IntakeQueue queue;
    private final Accounts accounts;
    private final GracefulHandler graceful;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private VigilServer(
            Database database,
            Javalin app,
            Wings wings,
            List<SecuredRoutes.Route> routes,
            BackgroundTasks watcher,
            @Nullable Bootstrap bootstrap,
            @Nullable IntakeQueue queue,
            Accounts accounts,
            GracefulHandler graceful) {
        this.graceful = graceful;
        this.database = database;
        this.app = app;
        this.wings = wings;
        this.routes = routes;
        this.watcher = watcher;
        this.bootstrap = bootstrap;
        this.queue = queue;
        this.accounts = accounts;
    }

    public static VigilServer start(Options options, Clock clock) throws IOException {
        Database database = Database.open(options.dataDirectory(), options.database());
        Accounts accounts = new Accounts(database.jdbi(), clock);
        Bootstrap bootstrap = bootstrapIfEmpty(accounts, database);
        FindingWriter writer = new FindingWriter(database.jdbi(), clock);
        FindingQueries findings = new FindingQueries(database.jdbi(), clock);
        Triage triage = new Triage(database.jdbi(), clock);
        Notifications notifications = new Notifications(
                database.jdbi(),
                SecretBox.inDataDirectory(options.dataDirectory()),
                new WebhookClient(
                        new AddressRules(options.network().webhookAllowed()),
                        options.network().resolver(),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(15)),
                clock,
                options.notificationBackoff(),
                8);
        Wings wings;
        try {
            // the capabilities on the class path (ADR 0037): the core names none of them
            wings = Wings.start(new WingContext(
                    database.jdbi(),
                    options.dataDirectory(),
                    clock,
                    writer,
                    findings,
                    notifications,
                    new FindingTables(database.jdbi()),
                    triage));
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        IntakeQueue queue = null;
        if (options.queue() != null) {
            try {
                queue = IntakeQueues.open(options.queue());
            } catch (IOException | RuntimeException e) {
                wings.close();
                database.close();
                throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            LOG.info("intake queue: {}", queue.describe());
        }
        Intake intake = new Intake(database.jdbi(), wings.sections(), clock, queue);
        Logins logins = new Logins(accounts, database.jdbi(), clock);
        Health health = new Health(database, queue);
        ApiRoutes api = new ApiRoutes(
                accounts, logins, intake, findings, triage, notifications, database.jdbi(), clock, health);
        RateLimiter limiter = new RateLimiter(200, 400);
        UiRoutes ui = new UiRoutes(
                accounts,
                logins,
                findings,
                triage,
                database.jdbi(),
                FeatureMatrix.defaults().withAgentMinimumVersion(options.agentMinimumVersion()),
                health,
                wings.ui(),
                wings.built());
        SecuredRoutes[] holder = new SecuredRoutes[1];
        HttpHardening hardening = new HttpHardening(options.network());
        GracefulHandler graceful = new GracefulHandler();
        Javalin app;
        try {
            app = Javalin.create(config -> {
                config.jsonMapper(new JavalinJackson3(JsonMapper.builder().build(), false));
                config.http.maxRequestSize = MAX_REQUEST_BYTES;
                config.jetty.host = options.host();
                config.jetty.port = options.port();
                config.jetty.modifyHttpConfiguration(hardening::configure);
                TlsMaterial tls = options.tls();
                if (tls != null) {
                    // HTTPS only: the one connector speaks TLS, so nothing is ever served in clear text
                    config.jetty.modifyServer(server -> {
                        SslContextFactory.Server ssl = new SslContextFactory.Server();
                        ssl.setKeyStore(tls.keyStore());
                        ssl.setKeyStorePassword(new String(tls.password()));
                        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                        HttpConfiguration https = new HttpConfiguration();
                        https.addCustomizer(new SecureRequestCustomizer(false));
                        hardening.configure(https);
                        ServerConnector connector = new ServerConnector(
                                server,
                                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                                new HttpConnectionFactory(https));
                        connector.setHost(options.host());
                        connector.setPort(options.port());
                        server.setConnectors(new Connector[] {connector});
                    });
                }
                config.jetty.modifyServer(server -> {
                    // a stop lets requests in flight finish (and answers new ones 503) before the stores close
                    server.setStopTimeout(STOP_TIMEOUT.toMillis());
                    server.setHandler(graceful); // Jetty answers 503 to new requests while stopping
                });
                config.startup.showJavalinBanner = false;
                config.concurrency.useVirtualThreads = true;
                SecuredRoutes routes = new SecuredRoutes(config.routes, accounts, limiter);
                api.register(routes);
                wings.api().forEach(routes::api); // the wings' own API routes (ADR 0046)
                ui.register(routes);
                holder[0] = routes;
                config.routes.before(SecurityHeaders::apply);
                // no route: the API's documented JSON error under /api/ and /intake/, a page elsewhere (Javalin's
                // own answer is plain text)
                config.routes.exception(io.javalin.router.EndpointNotFound.class, (e, ctx) -> {
                    String path = ctx.path();
                    if (path.startsWith("/api/") || path.startsWith("/intake/")) {
                        ctx.status(404)
                                .json(SecuredRoutes.error(
                                        404,
                                        "no route " + ctx.method() + " " + path
                                                + "; the API is described in openapi.yaml"));
                    } else {
                        ctx.status(404).html(UiRoutes.notFoundPage(path));
                    }
                });
                config.routes.exception(Exception.class, (e, ctx) -> {
                    StoreUnavailableException unavailable =
                            StoreUnavailableException.classify(e).orElse(null);
                    if (unavailable != null) {
                        health.failed(unavailable);
                        LOG.warn("{} {}: {}: {}", ctx.method(), ctx.path(), unavailable.advice(), e.getMessage());
                        unavailable(ctx, unavailable);
                        return;
                    }
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    ctx.status(500)
                            .json(java.util.Map.of(
                                    "status", 500, "error", "internal error; the server log has the details"));
                });
            });
            app.start();
            hardening.limitSlowClients(app.jettyServer().server());
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            wings.close();
            database.close();
            throw new IOException(
                    "cannot start the server on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        BackgroundTasks watcher = new BackgroundTasks(2);
        health.watchBackground(watcher::failing);
        for (BackgroundTask task : wings.tasks()) {
            watcher.every(task.name(), task.initial(), task.delay(), task.round());
        }
        if (database.isSqlite()) {
            // SQLite plans from statistics it only gathers when asked; without them the resource filter scans
            // the status index. PostgreSQL's autovacuum keeps its own statistics.
            watcher.every(
                    "refreshing the store's query statistics",
                    Duration.ZERO,
                    Duration.ofMinutes(10),
                    database::refreshStatistics);
        }
        Duration dispatchEvery = Duration.ofMillis(
                Math.max(50, Math.min(2000, options.notificationBackoff().toMillis() / 2)));
        watcher.every("delivering notifications", dispatchEvery, dispatchEvery, notifications::deliverDue);
        if (queue != null) {
            queue.startWorkers((org, keyId, body, gzip) -> {
                BatchSink.Delivery delivery = intake.storeQueued(org, keyId, body, gzip);
                if (delivery instanceof BatchSink.Failed failed) {
                    StoreUnavailableException.classify(failed.cause()).ifPresent(health::failed);
                }
                return delivery;
            });
        }
        return new VigilServer(
                database, app, wings, holder[0].declared(), watcher, bootstrap, queue, accounts, graceful);
    }

    /** 503 with Retry-After and the cause: JSON for the API and intake, a readable page for the web UI. */
    private static void unavailable(io.javalin.http.Context ctx, StoreUnavailableException e) {
        ctx.header("Retry-After", String.valueOf(e.reason().retryAfter().toSeconds()));
        String path = ctx.path();
        if (path.startsWith("/api/") || path.startsWith("/intake/") || path.equals("/healthz")) {
            ctx.status(503)
                    .json(java.util.Map.of("status", 503, "error", e.reason().label() + ": " + e.advice()));
        } else {
            ctx.status(503).html(UiRoutes.unavailablePage(e.reason().label(), e.advice()));
        }
    }

    private static @Nullable Bootstrap bootstrapIfEmpty(Accounts accounts, Database database) {
        long organizations = database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM organizations")
                        .mapTo(Long.class)
                        .one());
        if (organizations > 0) {
            return null;
        }
        String org;
        try {
            org = accounts.createOrganization("default");
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            return null; // another instance on the same store is bootstrapping it right now
        }
        String password = Secrets.newToken("").substring(0, 20);
        String email = "admin@vigil.local";
        accounts.createUser(org, email, password.toCharArray(), Role.ADMIN);
        String key =
                accounts.createApiKey(org, "local agent", ApiKeyScope.INTAKE).token();
        return new Bootstrap(email, password, key);
    }

    public int port() {
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector server && server.getLocalPort() > 0) {
                return server.getLocalPort();
            }
        }
        return app.port();
    }

    /** Requests being handled right now (a stop waits for them). */
    public long requestsInFlight() {
        return graceful.getCurrentRequestCount();
    }

    public @Nullable Bootstrap bootstrap() {
        return bootstrap;
    }

    public List<SecuredRoutes.Route> routes() {
        return routes;
    }

    /** Organizations, users and sessions, and the pool every password hash runs on. */
    public Accounts accounts() {
        return accounts;
    }

    public Database database() {
        return database;
    }

    /**
     * Every wing evaluates what it keeps again now (an advisory database update was just installed): the findings
     * stored.
     */
    public int reevaluate() {
        return wings.reevaluate();
    }

    /**
     * Stops in order: stop accepting, let requests in flight finish (at most {@link #STOP_TIMEOUT}; new ones get 503),
     * stop the background work and the queue's workers, then close the stores. Every batch answered 2xx is stored
     * (or queued) by then.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        app.stop();
        // a re-evaluation in progress finishes its inventory before the advisory database and the store close
        watcher.close();
        if (queue != null) {
            queue.close(); // its workers finish the batch in hand before the store closes
        }
        wings.close(); // what the wings hold open (the advisory database: read-only, nothing is lost)
        database.close();
    }
}
