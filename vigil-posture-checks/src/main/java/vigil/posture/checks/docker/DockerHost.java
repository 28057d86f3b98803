package vigil.posture.checks.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.agent.docker.DockerEngine;
import vigil.inventory.FileStat;
import vigil.inventory.InventoryException;
import vigil.inventory.LimitedFiles;
import vigil.inventory.RootFile;
import vigil.inventory.RootFs;
import vigil.posture.checks.Resolved;
import vigil.posture.model.Resource;

/**
 * Docker on a host read into posture resources, as CIS Docker Benchmark 1.6 examines it: the daemon
 * ({@code docker_daemon}: what the Engine API's {@code /info} says, {@code /etc/docker/daemon.json}, and the flags
 * {@code dockerd} runs with, merged into {@code settings}), each running container ({@code docker_container}: its
 * inspect data normalized, related to the daemon), and the daemon's files ({@code linux_file}: the systemd units,
 * {@code /etc/docker}, {@code daemon.json}, the socket).
 */
public final class DockerHost {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_CONTAINERS = 2_000;
    /** The daemon settings CIS names, as daemon.json spells them (a flag {@code --icc} is the key {@code icc}). */
    static final List<String> SETTINGS = List.of(
            "icc",
            "log-level",
            "iptables",
            "insecure-registries",
            "storage-driver",
            "tls",
            "tlsverify",
            "hosts",
            "userns-remap",
            "authorization-plugins",
            "log-driver",
            "live-restore",
            "userland-proxy",
            "seccomp-profile",
            "experimental",
            "no-new-privileges",
            "default-ulimits",
            "cgroup-parent");

    private final DockerEngine engine;
    private final RootFs root;
    private final @Nullable Path proc;
    private final String host;
    private final List<String> notes = new ArrayList<>();

    private DockerHost(DockerEngine engine, RootFs root, @Nullable Path proc, String host) {
        this.engine = engine;
        this.root = root;
        this.proc = proc;
        this.host = host;
    }

    /** Reads Docker on the host whose root is {@code root}; {@code proc} finds dockerd's flags (null: none read). */
    public static Resolved read(DockerEngine engine, RootFs root, @Nullable Path proc, String host) {
        DockerHost reader = new DockerHost(engine, root, proc, host);
        List<Resource> resources = new ArrayList<>();
        JsonNode info;
        try {
            info = engine.get("/info");
        } catch (IOException e) {
            reader.notes.add("Docker could not be examined: " + e.getMessage());
            return new Resolved(reader.files(), reader.notes);
        }
        Resource daemon = reader.daemon(info);
        resources.add(daemon);
        List<Resource> containers = reader.containers(daemon.id());
        resources.addAll(containers);
        resources.addAll(reader.images(containers));
        resources.addAll(reader.files());
        return new Resolved(resources, reader.notes);
    }

    private Resource daemon(JsonNode info) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        List<String> security = strings(info.path("SecurityOptions"));
        attributes.put("version", info.path("ServerVersion").asString(""));
        attributes.put("security_options", security);
        attributes.put("seccomp_profile", securityOption(security, "seccomp", "profile"));
        attributes.put("apparmor", security.stream().anyMatch(option -> option.startsWith("name=apparmor")));
        attributes.put("selinux", security.stream().anyMatch(option -> option.startsWith("name=selinux")));
        attributes.put("userns", security.stream().anyMatch(option -> option.startsWith("name=userns")));
        attributes.put("logging_driver", info.path("LoggingDriver").asString(""));
        attributes.put("storage_driver", info.path("Driver").asString(""));
        attributes.put("live_restore", info.path("LiveRestoreEnabled").asBoolean(false));
        attributes.put("experimental", info.path("ExperimentalBuild").asBoolean(false));
        attributes.put("swarm_state", info.path("Swarm").path("LocalNodeState").asString(""));
        attributes.put(
                "insecure_registry_cidrs", strings(info.path("RegistryConfig").path("InsecureRegistryCIDRs")));
        List<String> insecureIndexes = new ArrayList<>();
        info.path("RegistryConfig").path("IndexConfigs").properties().forEach(entry -> {
            if (!entry.getValue().path("Secure").asBoolean(true)) {
                insecureIndexes.add(entry.getKey());
            }
        });
        attributes.put("insecure_registries", insecureIndexes);
        Map<String, Object> config = config();
        Map<String, List<String>> flags = flags();
        attributes.put("config", config);
        attributes.put("flags", flags);
        attributes.put("settings", settings(config, flags));
        return new Resource("docker_daemon", host + ":docker", "dockerd", attributes);
    }

    private static String securityOption(List<String> options, String name, String key) {
        for (String option : options) {
            if (option.startsWith("name=" + name)) {
                for (String part : option.split(",")) {
                    if (part.startsWith(key + "=")) {
                        return part.substring(key.length() + 1);
                    }
                }
                return "";
            }
        }
        return "";
    }

    /** /etc/docker/daemon.json as a map, {} when absent; one that is not JSON is a note. */
    private Map<String, Object> config() {
        try (RootFile file = root.open("/etc/docker/daemon.json").orElse(null)) {
            if (file == null) {
                return Map.of();
            }
            JsonNode node = JSON.readTree(LimitedFiles.readString(file, 1 << 20));
            if (node == null || !node.isObject()) {
                notes.add("/etc/docker/daemon.json is not a JSON object");
                return Map.of();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.convertValue(node, Map.class);
            return map;
        } catch (IOException | InventoryException | JacksonException e) {
            notes.add("/etc/docker/daemon.json could not be read: " + e.getMessage());
            return Map.of();
        }
    }

    /** dockerd's command-line flags ({@code --icc=false}, {@code --userland-proxy false}), by name. */
    private Map<String, List<String>> flags() {
        if (proc == null) {
            return Map.of();
        }
        Map<String, List<String>> flags = new TreeMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(
                proc, entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                Optional<String> comm = small(process.resolve("comm"));
                if (comm.isEmpty() || !comm.get().strip().equals("dockerd")) {
                    continue;
                }
                String[] args = small(process.resolve("cmdline")).orElse("").split("\0");
                for (int i = 1; i < args.length; i++) {
                    String arg = args[i];
                    if (!arg.startsWith("-")) {
                        continue;
                    }
                    String name = arg.replaceFirst("^--?", "");
                    String value = "true";
                    int equals = name.indexOf('=');
                    if (equals >= 0) {
                        value = name.substring(equals + 1);
                        name = name.substring(0, equals);
                    } else if (i + 1 < args.length && !args[i + 1].startsWith("-") && !isBooleanFlag(name)) {
                        value = args[++i];
                    }
                    flags.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                }
                break;
            }
        } catch (IOException e) {
            notes.add("dockerd's flags could not be read: " + e.getMessage());
        }
        return flags;
    }

    private static boolean isBooleanFlag(String name) {
        return List.of(
                        "icc",
                        "iptables",
                        "tls",
                        "tlsverify",
                        "live-restore",
                        "userland-proxy",
                        "experimental",
                        "no-new-privileges",
                        "selinux-enabled",
                        "debug",
                        "D")
                .contains(name);
    }

    private static Optional<String> small(Path file) {
        try {
            if (Files.size(file) > 1 << 20) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Each CIS setting's effective value as text: the flag when dockerd has one, else daemon.json's. */
    static Map<String, Object> settings(Map<String, Object> config, Map<String, List<String>> flags) {
        Map<String, Object> settings = new TreeMap<>();
        for (String name : SETTINGS) {
            List<String> flag = flags.get(name);
            if (name.equals("hosts") && flag == null) {
                flag = flags.get("H");
            }
            if (flag != null && !flag.isEmpty()) {
                settings.put(
                        name,
                        name.equals("hosts") || name.equals("insecure-registries")
                                ? List.copyOf(flag)
                                : flag.getLast());
            } else if (config.containsKey(name)) {
                Object value = config.get(name);
                settings.put(
                        name, value instanceof List<?> || value instanceof Map<?, ?> ? value : String.valueOf(value));
            }
        }
        return settings;
    }

    private List<Resource> containers(String daemonId) {
        JsonNode list;
        try {
            list = engine.get("/containers/json");
        } catch (IOException e) {
            notes.add("Docker's containers could not be listed: " + e.getMessage());
            return List.of();
        }
        List<Resource> containers = new ArrayList<>();
        for (JsonNode summary : list) {
            if (containers.size() >= MAX_CONTAINERS) {
                notes.add("more than " + MAX_CONTAINERS + " containers: the others were not examined");
                break;
            }
            String id = summary.path("Id").asString("");
            if (!id.matches("[0-9a-f]{12,64}")) {
                continue;
            }
            try {
                containers.add(
                        container(engine.get("/containers/" + id + "/json")).relate("daemon", daemonId));
            } catch (IOException e) {
                notes.add("container " + id + " could not be inspected: " + e.getMessage());
            }
        }
        return containers;
    }

    /** The images of the running containers (CIS Docker 4): their user, health check and build steps. */
    private List<Resource> images(List<Resource> containers) {
        List<String> ids = containers.stream()
                .map(container -> String.valueOf(container.attributes().get("image_id")))
                .filter(id -> id.matches("sha256:[0-9a-f]{64}"))
                .distinct()
                .toList();
        List<Resource> images = new ArrayList<>();
        for (String id : ids) {
            try {
                images.add(image(engine.get("/images/" + id + "/json"), engine.get("/images/" + id + "/history")));
            } catch (IOException e) {
                notes.add("image " + id + " could not be inspected: " + e.getMessage());
            }
        }
        return images;
    }

    /** An image's inspect data and history normalized to what the rules read. */
    static Resource image(JsonNode inspect, JsonNode history) {
        JsonNode config = inspect.path("Config");
        Map<String, Object> a = new LinkedHashMap<>();
        String id = inspect.path("Id").asString("");
        List<String> tags = strings(inspect.path("RepoTags"));
        a.put("id", id);
        a.put("tags", tags);
        a.put("user", config.path("User").asString(""));
        JsonNode test = config.path("Healthcheck").path("Test");
        a.put(
                "healthcheck",
                test.isArray() && test.size() > 0 && !test.get(0).asString("").equals("NONE"));
        List<String> steps = new ArrayList<>();
        for (JsonNode step : history) {
            String createdBy = step.path("CreatedBy").asString("");
            if (!createdBy.isEmpty()) {
                steps.add(createdBy.length() > 4096 ? createdBy.substring(0, 4096) : createdBy);
            }
        }
        a.put("history", steps.reversed()); // Docker lists the newest step first
        String name = tags.isEmpty() ? id.substring(0, Math.min(id.length(), 19)) : tags.getFirst();
        return new Resource("docker_image", "docker:" + id, name, a);
    }

    /** A container's inspect data normalized to what the rules read (CIS Docker 4 and 5). */
    static Resource container(JsonNode inspect) {
        JsonNode config = inspect.path("Config");
        JsonNode hostConfig = inspect.path("HostConfig");
        Map<String, Object> a = new LinkedHashMap<>();
        String name = inspect.path("Name").asString("").replaceFirst("^/", "");
        String id = inspect.path("Id").asString("");
        a.put("id", id);
        a.put("name", name);
        a.put("image", config.path("Image").asString(""));
        a.put("image_id", inspect.path("Image").asString(""));
        a.put("user", config.path("User").asString(""));
        a.put("privileged", hostConfig.path("Privileged").asBoolean(false));
        a.put("cap_add", capabilities(hostConfig.path("CapAdd")));
        a.put("cap_drop", capabilities(hostConfig.path("CapDrop")));
        a.put("network_mode", hostConfig.path("NetworkMode").asString(""));
        a.put("pid_mode", hostConfig.path("PidMode").asString(""));
        a.put("ipc_mode", hostConfig.path("IpcMode").asString(""));
        a.put("uts_mode", hostConfig.path("UTSMode").asString(""));
        a.put("userns_mode", hostConfig.path("UsernsMode").asString(""));
        a.put("memory", hostConfig.path("Memory").asLong(0));
        a.put("nano_cpus", hostConfig.path("NanoCpus").asLong(0));
        a.put("cpu_shares", hostConfig.path("CpuShares").asLong(0));
        a.put("pids_limit", hostConfig.path("PidsLimit").asLong(0));
        a.put("read_only_rootfs", hostConfig.path("ReadonlyRootfs").asBoolean(false));
        List<String> securityOpt = strings(hostConfig.path("SecurityOpt"));
        a.put("security_opt", securityOpt);
        a.put(
                "seccomp_unconfined",
                securityOpt.stream().anyMatch(o -> o.replace(':', '=').equals("seccomp=unconfined")));
        a.put(
                "no_new_privileges",
                securityOpt.stream()
                        .anyMatch(o -> o.equals("no-new-privileges")
                                || o.replace(':', '=').equals("no-new-privileges=true")));
        a.put("apparmor_profile", inspect.path("AppArmorProfile").asString(""));
        a.put("restart_policy", hostConfig.path("RestartPolicy").path("Name").asString(""));
        a.put(
                "restart_max_retries",
                hostConfig.path("RestartPolicy").path("MaximumRetryCount").asLong(0));
        List<String> devices = new ArrayList<>();
        hostConfig
                .path("Devices")
                .forEach(device -> devices.add(device.path("PathOnHost").asString("")));
        a.put("devices", devices);
        a.put("cgroup_parent", hostConfig.path("CgroupParent").asString(""));
        List<Map<String, Object>> ports = new ArrayList<>();
        hostConfig
                .path("PortBindings")
                .properties()
                .forEach(entry -> entry.getValue().forEach(binding -> {
                    String hostPort = binding.path("HostPort").asString("");
                    ports.add(Map.of(
                            "container_port", entry.getKey(),
                            "host_ip", binding.path("HostIp").asString(""),
                            "host_port", hostPort.matches("\\d{1,5}") ? Long.parseLong(hostPort) : 0L));
                }));
        a.put("ports", ports);
        List<Map<String, Object>> mounts = new ArrayList<>();
        inspect.path("Mounts")
                .forEach(mount -> mounts.add(Map.of(
                        "type", mount.path("Type").asString(""),
                        "source", mount.path("Source").asString(""),
                        "destination", mount.path("Destination").asString(""),
                        "rw", mount.path("RW").asBoolean(false),
                        "propagation", mount.path("Propagation").asString(""))));
        a.put("mounts", mounts);
        JsonNode test = config.path("Healthcheck").path("Test");
        a.put(
                "healthcheck",
                test.isArray() && test.size() > 0 && !test.get(0).asString("").equals("NONE"));
        a.put("ulimits", strings(hostConfig.path("Ulimits").findValues("Name")));
        a.put("running", inspect.path("State").path("Running").asBoolean(false));
        String shortId = id.length() > 12 ? id.substring(0, 12) : id;
        return new Resource("docker_container", "docker:" + id, name.isEmpty() ? shortId : name, a);
    }

    private static List<String> capabilities(JsonNode node) {
        List<String> capabilities = new ArrayList<>();
        for (String capability : strings(node)) {
            String upper = capability.toUpperCase(Locale.ROOT);
            capabilities.add(upper.startsWith("CAP_") ? upper.substring(4) : upper);
        }
        return capabilities;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> values.add(item.asString("")));
        }
        return values;
    }

    private static List<String> strings(List<JsonNode> nodes) {
        return nodes.stream().map(node -> node.asString("")).toList();
    }

    /** The daemon's files (CIS Docker 3): each the first of its usual places that exists, named as rules name it. */
    private List<Resource> files() {
        List<Resource> files = new ArrayList<>();
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        candidates.put(
                "docker.service",
                List.of(
                        "/etc/systemd/system/docker.service",
                        "/lib/systemd/system/docker.service",
                        "/usr/lib/systemd/system/docker.service"));
        candidates.put(
                "docker.socket",
                List.of(
                        "/etc/systemd/system/docker.socket",
                        "/lib/systemd/system/docker.socket",
                        "/usr/lib/systemd/system/docker.socket"));
        candidates.put("/etc/docker", List.of("/etc/docker"));
        candidates.put("/etc/docker/daemon.json", List.of("/etc/docker/daemon.json"));
        candidates.put("/etc/default/docker", List.of("/etc/default/docker"));
        candidates.put("/var/run/docker.sock", List.of("/var/run/docker.sock", "/run/docker.sock"));
        Map<Integer, String> groups = groups();
        candidates.forEach((name, paths) -> {
            for (String path : paths) {
                Optional<FileStat> stat;
                try {
                    stat = root.stat(path);
                } catch (IOException | InventoryException e) {
                    notes.add(path + " could not be examined: " + e.getMessage());
                    continue;
                }
                if (stat.isPresent()) {
                    FileStat s = stat.get();
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    attributes.put("path", path);
                    attributes.put("exists", true);
                    attributes.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
                    attributes.put("mode", s.mode());
                    attributes.put("mode_octal", s.octal());
                    attributes.put("uid", s.uid());
                    attributes.put("gid", s.gid());
                    attributes.put("group", groups.getOrDefault(s.gid(), String.valueOf(s.gid())));
                    files.add(new Resource("linux_file", host + ":docker:" + path, name, attributes));
                    return;
                }
            }
        });
        return files;
    }

    private Map<Integer, String> groups() {
        Map<Integer, String> groups = new TreeMap<>();
        try (RootFile file = root.open("/etc/group").orElse(null)) {
            if (file == null) {
                return groups;
            }
            for (String line : LimitedFiles.readString(file, 1 << 20).split("\n")) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 3 && fields[2].matches("\\d{1,9}")) {
                    groups.putIfAbsent(Integer.parseInt(fields[2]), fields[0]);
                }
            }
        } catch (IOException | InventoryException e) {
            notes.add("/etc/group could not be read: " + e.getMessage());
        }
        return groups;
    }
}
