package vigil.kafka;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.spi.intake.IntakeLimits;

/**
 * What a {@code kafka://} queue URL says: the bootstrap servers, the topic and how to create it, the consumer group,
 * and client properties (TLS, SASL) from a {@code config=FILE} properties file or {@code dotted.name=value}
 * parameters. Credentials belong in the file, which the URL only names, so they never reach a command line or log.
 *
 * @param replication 0 to use min(3, brokers)
 */
record KafkaQueueSettings(
        String bootstrapServers,
        String topic,
        int partitions,
        int replication,
        String group,
        Map<String, String> clientProperties) {
    static final String DEFAULT_TOPIC = "vigil.intake";
    static final String DEFAULT_GROUP = "vigil-workers";

    /** Room for the largest request the server accepts plus the record's own overhead. */
    static final int MAX_MESSAGE_BYTES = Math.toIntExact(IntakeLimits.MAX_BATCH_BYTES + (1 << 20));

    private static final Pattern SERVER = Pattern.compile("^[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}$");
    /** Client properties that carry credentials: they belong in the config file, never in the URL. */
    private static final Pattern SECRET =
            Pattern.compile("(?i)(password|secret|jaas|credential|token|\\.key$|keystore\\.key|certificate\\.chain)");

    private static final Pattern TOPIC = Pattern.compile("^[A-Za-z0-9._-]{1,249}$");
    private static final String USAGE = "use kafka://HOST:PORT[,HOST:PORT...][?topic=NAME&partitions=N"
            + "&replication=N&group=NAME&config=CLIENT.properties]";

    KafkaQueueSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    static KafkaQueueSettings parse(URI url) throws IOException {
        if (url.getRawUserInfo() != null) {
            throw new IOException("the Kafka queue URL carries credentials; put them (sasl.jaas.config) in a client"
                    + " properties file and name it with ?config=FILE");
        }
        String authority = url.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new IOException("the Kafka queue URL names no broker; " + USAGE);
        }
        for (String server : authority.split(",", -1)) {
            if (!SERVER.matcher(server).matches()) {
                throw new IOException("'" + server + "' in the Kafka queue URL is not HOST:PORT; " + USAGE);
            }
        }
        String path = url.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IOException("the Kafka queue URL has a path ('" + path + "'); name the topic with ?topic=NAME");
        }
        String topic = DEFAULT_TOPIC;
        int partitions = 12;
        int replication = 0;
        String group = DEFAULT_GROUP;
        Map<String, String> client = new LinkedHashMap<>();
        for (Map.Entry<String, String> parameter : query(url.getRawQuery()).entrySet()) {
            String name = parameter.getKey();
            String value = parameter.getValue();
            switch (name) {
                case "topic" -> {
                    if (!TOPIC.matcher(value).matches()) {
                        throw new IOException("topic '" + value + "' is not a Kafka topic name (letters, digits,"
                                + " '.', '_' and '-', at most 249)");
                    }
                    topic = value;
                }
                case "partitions" -> partitions = number(name, value, 1, 10_000);
                case "replication" -> replication = number(name, value, 1, 32);
                case "group" -> {
                    if (value.isBlank()) {
                        throw new IOException("group must not be empty");
                    }
                    group = value;
                }
                case "config" -> client.putAll(load(Path.of(value)));
                default -> {
                    if (!name.contains(".")) {
                        throw new IOException("unknown Kafka queue parameter '" + name + "'; " + USAGE
                                + ", or a Kafka client property such as security.protocol=SSL");
                    }
                    if (SECRET.matcher(name).find()) {
                        throw new IOException("'" + name + "' holds a secret, which a URL would show in process"
                                + " lists and logs; put it in a client properties file named with ?config=FILE");
                    }
                    client.put(name, value);
                }
            }
        }
        return new KafkaQueueSettings(authority, topic, partitions, replication, group, client);
    }

    /** Where the brokers are, for messages: never the client properties, which may hold secrets. */
    String describe() {
        return "Kafka " + bootstrapServers + ", topic " + topic + ", group " + group;
    }

    /** The client properties may hold secrets (sasl.jaas.config); a stray log line must not show them. */
    @Override
    public String toString() {
        return describe() + ", " + clientProperties.size() + " client properties";
    }

    private static Map<String, String> query(@Nullable String raw) throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IOException("'" + pair + "' in the Kafka queue URL is not NAME=VALUE; " + USAGE);
            }
            String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
            if (parameters.put(name, URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8)) != null) {
                throw new IOException("the Kafka queue URL gives '" + name + "' twice");
            }
        }
        return parameters;
    }

    private static int number(String name, String value, int min, int max) throws IOException {
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IOException(name + " must be a number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static Map<String, String> load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IOException("cannot read the Kafka client properties file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    /**
     * A client's properties: {@code defaults}, then the user's client properties (security, timeouts), then
     * {@code required}, which the queue's guarantees depend on and which therefore win.
     */
    Map<String, Object> client(String clientId, Map<String, Object> defaults, Map<String, Object> required) {
        Map<String, Object> properties = new LinkedHashMap<>(defaults);
        properties.put("bootstrap.servers", bootstrapServers);
        properties.put("client.id", clientId);
        properties.putAll(clientProperties);
        properties.putAll(required);
        return properties;
    }
}
