package vigil.posture.checks.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.inventory.FileStat;
import vigil.inventory.InventoryException;
import vigil.inventory.RootFs;
import vigil.inventory.dpkg.DpkgCataloger;
import vigil.posture.checks.Resolved;
import vigil.posture.model.Resource;

/**
 * Reads a Linux host, or a root filesystem of one, into posture resources: the SSH server's settings, login.defs,
 * sysctl settings (files, and the running kernel's values when the host is live), kernel module settings, accounts,
 * the files benchmarks name (mode and owners), mounts (live only) and installed packages. Everything of the root is
 * read through {@link RootFs}, resolved inside it; {@code /proc} is read only for a live host, and only there.
 */
public final class LinuxHost {
    /** The files the baseline's permission and ownership rules examine. */
    static final List<String> FILES = List.of(
            "/etc/passwd",
            "/etc/passwd-",
            "/etc/shadow",
            "/etc/shadow-",
            "/etc/group",
            "/etc/group-",
            "/etc/gshadow",
            "/etc/gshadow-",
            "/etc/ssh/sshd_config",
            "/etc/crontab",
            "/etc/cron.hourly",
            "/etc/cron.daily",
            "/etc/cron.weekly",
            "/etc/cron.monthly",
            "/etc/cron.d",
            "/boot/grub/grub.cfg",
            "/etc/issue",
            "/etc/issue.net",
            "/etc/motd");

    /** Where systemd-sysctl and OpenSCAP look for sysctl settings, in systemd's order of precedence (lowest first). */
    static final List<String> SYSCTL_DIRECTORIES =
            List.of("/usr/lib/sysctl.d", "/lib/sysctl.d", "/usr/local/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d");

    /** Where modprobe reads its settings; OpenSCAP's kernel module rules look in the same places. */
    static final List<String> MODPROBE_DIRECTORIES = List.of(
            "/etc/modprobe.d",
            "/etc/modules-load.d",
            "/run/modprobe.d",
            "/run/modules-load.d",
            "/usr/lib/modprobe.d",
            "/usr/lib/modules-load.d");

    /** Kernel settings read from a live host's /proc even when no file sets them. */
    static final List<String> SYSCTL_KEYS = List.of(
            "kernel.randomize_va_space",
            "kernel.kptr_restrict",
            "kernel.dmesg_restrict",
            "kernel.yama.ptrace_scope",
            "kernel.panic_on_oops",
            "kernel.unprivileged_bpf_disabled",
            "fs.suid_dumpable",
            "fs.protected_hardlinks",
            "fs.protected_symlinks",
            "net.ipv4.ip_forward",
            "net.ipv4.conf.all.send_redirects",
            "net.ipv4.conf.default.send_redirects",
            "net.ipv4.conf.all.accept_redirects",
            "net.ipv4.conf.default.accept_redirects",
            "net.ipv4.conf.all.secure_redirects",
            "net.ipv4.conf.all.accept_source_route",
            "net.ipv4.conf.default.accept_source_route",
            "net.ipv4.conf.all.log_martians",
            "net.ipv4.conf.all.rp_filter",
            "net.ipv4.icmp_echo_ignore_broadcasts",
            "net.ipv4.icmp_ignore_bogus_error_responses",
            "net.ipv4.tcp_syncookies",
            "net.ipv6.conf.all.accept_ra",
            "net.ipv6.conf.all.accept_redirects",
            "net.ipv6.conf.all.forwarding");

    private static final int MAX_SYSCTL_KEYS = 512;

    private final HostFiles files;
    private final @Nullable Path proc;
    private final List<String> notes;
    private final String host;

    private LinuxHost(RootFs root, @Nullable Path proc, String host, List<String> notes) {
        this.files = new HostFiles(root, notes);
        this.proc = proc;
        this.host = host;
        this.notes = notes;
    }

    /**
     * Reads {@code root}. {@code proc} is the live host's {@code /proc} when the root is the running system (its
     * kernel settings, mounts and loaded modules are then read from there), or null for a root filesystem on disk,
     * whose running state does not exist.
     */
    public static Resolved read(RootFs root, @Nullable Path proc, String host) {
        List<String> notes = new ArrayList<>();
        LinuxHost reader = new LinuxHost(root, proc, host, notes);
        List<Resource> resources = new ArrayList<>();
        Map<String, String> packages = reader.packages();
        resources.add(reader.sshd(packages));
        resources.add(reader.loginDefs());
        resources.add(reader.sysctl());
        resources.add(reader.modules());
        Accounts accounts = reader.accounts();
        resources.add(accounts.resource());
        resources.addAll(reader.files(accounts));
        if (proc != null) {
            resources.add(reader.mounts(proc));
        }
        resources.add(new Resource(
                "linux_packages",
                host + ":packages",
                "installed packages",
                Map.of("manager", "dpkg", "installed", packages)));
        return new Resolved(resources, notes);
    }

    private Map<String, String> packages() {
        List<String> warnings = new ArrayList<>();
        Map<String, String> installed = new TreeMap<>();
        try {
            new DpkgCataloger(false)
                    .catalog(files.root(), null, warnings)
                    .forEach(p -> installed.put(p.name(), p.version()));
        } catch (IOException | InventoryException e) {
            notes.add("the dpkg database in " + files.root().describe() + " could not be read: " + e.getMessage());
        }
        warnings.forEach(warning -> notes.add("dpkg: " + warning));
        return installed;
    }

    private Resource sshd(Map<String, String> packages) {
        SshdConfig.Settings settings = SshdConfig.read(files);
        boolean installed = packages.containsKey("openssh-server") || files.exists("/usr/sbin/sshd");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("installed", installed);
        attributes.put("exists", !settings.files().isEmpty());
        attributes.put("settings", settings.values());
        attributes.put("sources", settings.sources());
        attributes.put("match_blocks", settings.matchBlocks());
        attributes.put("files", settings.files());
        return new Resource("linux_sshd_config", host + ":" + SshdConfig.PATH, "sshd_config", attributes);
    }

    private Resource loginDefs() {
        Optional<String> text = files.text("/etc/login.defs");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("exists", text.isPresent());
        attributes.put(
                "settings", KeyValueFiles.loginDefs(text.map(HostFiles::split).orElse(List.of())));
        return new Resource("linux_login_defs", host + ":/etc/login.defs", "login.defs", attributes);
    }

    private Resource sysctl() {
        List<KeyValueFiles.Definition> definitions = new ArrayList<>();
        // systemd-sysctl: files by name across the directories, a name in a later directory replacing an earlier one
        Map<String, String> byName = new TreeMap<>();
        for (String directory : SYSCTL_DIRECTORIES) {
            for (String name : files.list(directory, ".conf")) {
                byName.put(name, directory + "/" + name);
            }
        }
        Set<String> read = new LinkedHashSet<>(byName.values());
        read.add("/etc/sysctl.conf");
        // OpenSCAP reads every file, including ones a same-named file replaces: definitions keep them all
        for (String directory : SYSCTL_DIRECTORIES) {
            for (String name : files.list(directory, ".conf")) {
                read.add(directory + "/" + name);
            }
        }
        for (String file : read) {
            definitions.addAll(KeyValueFiles.sysctl(file, files.lines(file)));
        }
        Map<String, List<Map<String, Object>>> byKey = new TreeMap<>();
        for (KeyValueFiles.Definition definition : definitions) {
            byKey.computeIfAbsent(definition.key(), k -> new ArrayList<>())
                    .add(Map.of("value", definition.value(), "file", definition.source()));
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("definitions", byKey);
        if (proc != null) {
            Set<String> keys = new LinkedHashSet<>(SYSCTL_KEYS);
            keys.addAll(byKey.keySet());
            Map<String, String> runtime = new TreeMap<>();
            for (String key : keys.stream().limit(MAX_SYSCTL_KEYS).toList()) {
                runtimeValue(proc, key).ifPresent(value -> runtime.put(key, value));
            }
            attributes.put("runtime", runtime);
        }
        return new Resource("linux_sysctl", host + ":sysctl", "kernel parameters", attributes);
    }

    private Optional<String> runtimeValue(Path proc, String key) {
        if (key.contains("..") || key.contains("/") || key.isEmpty()) {
            return Optional.empty();
        }
        Path file = proc.resolve("sys").resolve(key.replace('.', '/'));
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
                return Optional.empty();
            }
            return Optional.of(
                    Files.readString(file, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " "));
        } catch (IOException e) {
            return Optional.empty(); // a setting the kernel does not have, or hides from this process
        }
    }

    private Resource modules() {
        Map<String, String> disabled = new TreeMap<>();
        Map<String, String> blacklisted = new TreeMap<>();
        List<String> read = new ArrayList<>();
        for (String directory : MODPROBE_DIRECTORIES) {
            for (String name : files.list(directory, ".conf")) {
                read.add(directory + "/" + name);
            }
        }
        read.add("/etc/modprobe.conf");
        for (String file : read) {
            List<String> lines = files.lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String[] words = lines.get(i).strip().split("\\s+");
                if (words.length >= 3
                        && words[0].equals("install")
                        && (words[2].equals("/bin/false") || words[2].equals("/bin/true"))
                        && words.length == 3) {
                    disabled.putIfAbsent(words[1], file + ":" + (i + 1));
                } else if (words.length == 2 && words[0].equals("blacklist")) {
                    blacklisted.putIfAbsent(words[1], file + ":" + (i + 1));
                }
            }
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("install_disabled", disabled);
        attributes.put("blacklisted", blacklisted);
        if (proc != null) {
            List<String> loaded = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(proc.resolve("modules"))) {
                    int space = line.indexOf(' ');
                    if (space > 0) {
                        loaded.add(line.substring(0, space));
                    }
                }
            } catch (IOException e) {
                notes.add("loaded kernel modules could not be read: " + e.getMessage());
            }
            attributes.put("loaded", loaded);
        }
        return new Resource("linux_kernel_modules", host + ":modules", "kernel modules", attributes);
    }

    /** The accounts resource, and the uid and gid names the file resources show. */
    private record Accounts(Resource resource, Map<Integer, String> users, Map<Integer, String> groups) {}

    private Accounts accounts() {
        List<Map<String, Object>> users = new ArrayList<>();
        Map<Integer, String> userNames = new HashMap<>();
        for (String line : files.lines("/etc/passwd")) {
            String[] fields = line.split(":", -1);
            if (fields.length < 7 || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("name", fields[0]);
            user.put("password", fields[1]);
            user.put("uid", number(fields[2]));
            user.put("gid", number(fields[3]));
            user.put("home", fields[5]);
            user.put("shell", fields[6]);
            users.add(user);
            if (number(fields[2]) >= 0) {
                userNames.putIfAbsent((int) number(fields[2]), fields[0]);
            }
        }
        List<Map<String, Object>> shadow = new ArrayList<>();
        for (String line : files.lines("/etc/shadow")) {
            String[] fields = line.split(":", -1);
            if (fields.length < 2 || fields[0].isEmpty()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", fields[0]);
            entry.put("password_empty", fields[1].isEmpty());
            entry.put("locked", fields[1].startsWith("!") || fields[1].startsWith("*"));
            entry.put("max_days", fields.length > 4 ? number(fields[4]) : -1L);
            shadow.add(entry);
        }
        Map<Integer, String> groupNames = new HashMap<>();
        for (String line : files.lines("/etc/group")) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && number(fields[2]) >= 0) {
                groupNames.putIfAbsent((int) number(fields[2]), fields[0]);
            }
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("users", users);
        attributes.put("shadow", shadow);
        Resource resource = new Resource("linux_accounts", host + ":accounts", "local accounts", attributes);
        return new Accounts(resource, userNames, groupNames);
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private List<Resource> files(Accounts accounts) {
        List<Resource> resources = new ArrayList<>();
        for (String path : FILES) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("path", path);
            Optional<FileStat> stat;
            try {
                stat = files.root().stat(path);
            } catch (IOException | InventoryException e) {
                notes.add(path + " in " + files.root().describe() + " could not be examined: " + e.getMessage());
                continue;
            }
            attributes.put("exists", stat.isPresent());
            stat.ifPresent(s -> {
                attributes.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
                attributes.put("mode", s.mode());
                attributes.put("mode_octal", s.octal());
                attributes.put("uid", s.uid());
                attributes.put("gid", s.gid());
                attributes.put("owner", accounts.users().getOrDefault(s.uid(), String.valueOf(s.uid())));
                attributes.put("group", accounts.groups().getOrDefault(s.gid(), String.valueOf(s.gid())));
            });
            resources.add(new Resource("linux_file", host + ":" + path, path, attributes));
        }
        return resources;
    }

    private Resource mounts(Path proc) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length < 4) {
                    continue;
                }
                mounts.add(Map.of(
                        "device", unescape(fields[0]),
                        "mountpoint", unescape(fields[1]),
                        "fstype", fields[2],
                        "options", List.of(fields[3].split(","))));
            }
        } catch (IOException e) {
            notes.add("mounts could not be read: " + e.getMessage());
        }
        return new Resource("linux_mounts", host + ":mounts", "mounts", Map.of("mounts", mounts));
    }

    /** /proc/self/mounts writes spaces, tabs, newlines and backslashes in paths as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
