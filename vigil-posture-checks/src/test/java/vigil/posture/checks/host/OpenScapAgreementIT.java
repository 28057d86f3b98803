package vigil.posture.checks.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.posture.checks.BuiltInRules;
import vigil.posture.checks.ConfigScan;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;
import vigil.posture.rule.Rule;

/**
 * The Linux baseline against OpenSCAP, differentially: for each baseline rule that names a SCAP Security Guide rule,
 * Vigil and {@code oscap oval eval} (Debian's {@code openscap-scanner} with {@code ssg-debian}'s Debian 11 OVAL, the
 * newest Debian ships) evaluate the same configuration and must agree wherever both give a verdict. Three
 * configurations: this host's own {@code /etc}, a hardened copy and a weakened copy. OpenSCAP reads the copies at
 * the real paths through bind mounts in a private mount namespace ({@code unshare -m}), so its package probe sees
 * the copy's dpkg database too; Vigil reads the same copy as a root directory. Kernel settings and mounts are this
 * machine's for both. Runs as root (CI does).
 */
class OpenScapAgreementIT {
    private static final Path OSCAP = Path.of("/usr/bin/oscap");
    private static final Path OVAL = Path.of("/usr/share/xml/scap/ssg/content/ssg-debian11-oval.xml");
    private static final String SSG = "xccdf_org.ssgproject.content_rule_";
    private static final Pattern VERDICT = Pattern.compile("Definition oval:ssg-([A-Za-z0-9_-]+):def:1: (\\w+)");

    /** The thresholds the baseline uses, given to the SSG content's external variables. */
    private static final Map<String, String> VARIABLES = Map.of(
            "sshd_required", "0",
            "sshd_max_auth_tries_value", "4",
            "var_sshd_set_login_grace_time", "60",
            "var_sshd_max_sessions", "10",
            "sshd_idle_timeout_value", "300",
            "var_accounts_maximum_age_login_defs", "365",
            "var_accounts_minimum_age_login_defs", "1",
            "var_accounts_password_warn_age_login_defs", "7",
            "sysctl_kernel_kptr_restrict_value", "1");

    @TempDir
    static Path work;

    private static PostureEngine engine;
    private static final Map<String, String> SSG_BY_RULE = new TreeMap<>();
    private static Path subset;
    private static Path variables;

    @BeforeAll
    static void prepare() throws Exception {
        boolean present = Files.isExecutable(OSCAP) && Files.isRegularFile(OVAL);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(
                    "oscap or the SSG content is missing; CI must install openscap-scanner and" + " ssg-debian");
        }
        assumeTrue(present, "openscap-scanner and ssg-debian are not installed");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("the OpenSCAP agreement test needs root (bind mounts in a mount namespace)");
        }
        assumeTrue(root, "not root: cannot bind-mount a configuration for OpenSCAP to read");
        var read = BuiltInRules.load(List.of());
        engine = PostureEngine.compile(read.rules()).engine();
        for (Rule rule : read.rules()) {
            rule.references().stream()
                    .filter(reference -> reference.startsWith(SSG))
                    .findFirst()
                    .ifPresent(reference -> SSG_BY_RULE.put(rule.id(), reference.substring(SSG.length())));
        }
        assertThat(SSG_BY_RULE).hasSizeGreaterThanOrEqualTo(40);
        subset = work.resolve("ssg-subset-oval.xml");
        OvalSubset.write(
                OVAL,
                SSG_BY_RULE.values().stream()
                        .map(name -> "oval:ssg-" + name + ":def:1")
                        .toList(),
                subset);
        variables = work.resolve("variables.xml");
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <oval_variables xmlns="http://oval.mitre.org/XMLSchema/oval-variables-5"
                    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5">
                  <generator><oval:schema_version>5.11.2</oval:schema_version>
                    <oval:timestamp>2026-12-08T00:00:00</oval:timestamp></generator>
                  <variables>
                """);
        VARIABLES.forEach((name, value) -> xml.append("    <variable id=\"oval:ssg-")
                .append(name)
                .append(":var:1\" datatype=\"int\" comment=\"Vigil's baseline\"><value>")
                .append(value)
                .append("</value></variable>\n"));
        xml.append("  </variables>\n</oval_variables>\n");
        Files.writeString(variables, xml);
    }

    @Test
    void thisHostsOwnConfiguration() throws Exception {
        Comparison comparison = compare("host", root -> {});
        assertThat(comparison.mismatches()).isEmpty();
        assertThat(comparison.agreed()).hasSizeGreaterThanOrEqualTo(25);
    }

    @Test
    void aHardenedConfiguration() throws Exception {
        Comparison comparison = compare("hardened", root -> {
            withSshServer(root);
            Files.writeString(root.resolve("etc/ssh/sshd_config"), """
                    PermitRootLogin no
                    PermitEmptyPasswords no
                    IgnoreRhosts yes
                    HostbasedAuthentication no
                    X11Forwarding no
                    PermitUserEnvironment no
                    UsePAM yes
                    GSSAPIAuthentication no
                    AllowTcpForwarding no
                    MaxAuthTries 4
                    LoginGraceTime 60
                    MaxSessions 10
                    ClientAliveInterval 300
                    ClientAliveCountMax 0
                    Banner /etc/issue.net
                    """);
            loginDefs(root, "365", "1", "7");
            Files.createDirectories(root.resolve("etc/sysctl.d"));
            Files.writeString(root.resolve("etc/sysctl.d/99-hardened.conf"), """
                    kernel.randomize_va_space = 2
                    fs.suid_dumpable = 0
                    fs.protected_hardlinks = 1
                    fs.protected_symlinks = 1
                    kernel.kptr_restrict = 1
                    """);
            Files.createDirectories(root.resolve("etc/modprobe.d"));
            Files.writeString(root.resolve("etc/modprobe.d/hardened.conf"), """
                    install tipc /bin/false
                    install rds /bin/true
                    """);
            for (String file : List.of("passwd", "group", "passwd-", "group-")) {
                owners(root, file, "rw-r--r--", 0, 0);
            }
            for (String file : List.of("shadow", "gshadow", "shadow-", "gshadow-")) {
                owners(root, file, "rw-r-----", 0, 42);
            }
        });
        assertThat(comparison.mismatches()).isEmpty();
        assertThat(comparison.agreed()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(comparison.agreed().values().stream().filter(status -> status == Status.PASS))
                .hasSizeGreaterThanOrEqualTo(35);
    }

    @Test
    void aWeakenedConfiguration() throws Exception {
        Comparison comparison = compare("weakened", root -> {
            withSshServer(root);
            Files.writeString(root.resolve("etc/ssh/sshd_config"), """
                    PermitRootLogin yes
                    PermitEmptyPasswords yes
                    IgnoreRhosts no
                    HostbasedAuthentication yes
                    X11Forwarding yes
                    PermitUserEnvironment yes
                    UsePAM no
                    GSSAPIAuthentication yes
                    AllowTcpForwarding yes
                    MaxAuthTries 6
                    LoginGraceTime 120
                    MaxSessions 64
                    ClientAliveInterval 0
                    Banner none
                    """);
            loginDefs(root, "99999", "0", "3");
            Files.createDirectories(root.resolve("etc/sysctl.d"));
            Files.writeString(root.resolve("etc/sysctl.d/99-weak.conf"), """
                    kernel.randomize_va_space = 0
                    fs.suid_dumpable = 2
                    fs.protected_hardlinks = 0
                    fs.protected_symlinks = 0
                    kernel.kptr_restrict = 0
                    """);
            Files.writeString(
                    root.resolve("etc/passwd"),
                    "toor:x:0:0:second root:/root:/bin/sh\nbad:$6$salt$hash:1001:1001::/home/bad:/bin/sh\n",
                    StandardOpenOption.APPEND);
            Files.writeString(root.resolve("etc/shadow"), "toor::19000:0:99999:7:::\n", StandardOpenOption.APPEND);
            owners(root, "passwd", "rw-rw-rw-", 0, 0);
            owners(root, "group", "rw-r--r--", 1000, 1000);
            owners(root, "shadow", "rw-r--r--", 0, 0);
            owners(root, "gshadow", "rw-rw----", 1000, 0);
        });
        assertThat(comparison.mismatches()).isEmpty();
        assertThat(comparison.agreed()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(comparison.agreed().values().stream().filter(status -> status == Status.FAIL))
                .hasSizeGreaterThanOrEqualTo(25);
    }

    private interface Change {
        void apply(Path root) throws IOException;
    }

    /**
     * The verdicts both gave and agreed on (rule to status), and every disagreement in words. A rule Vigil skipped
     * (sshd not installed) or OpenSCAP could not decide (error, unknown) is in neither.
     */
    private record Comparison(Map<String, Status> agreed, List<String> mismatches) {}

    private static Comparison compare(String name, Change change) throws Exception {
        Path root = work.resolve(name);
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        run(List.of("cp", "-a", "/etc", root.resolve("etc").toString()));
        Files.copy(Path.of("/var/lib/dpkg/status"), root.resolve("var/lib/dpkg/status"));
        // the other places sysctl and modprobe settings live: OpenSCAP reads the machine's, Vigil the copy's
        for (String directory : List.of(
                "usr/lib/sysctl.d",
                "usr/local/lib/sysctl.d",
                "run/sysctl.d",
                "usr/lib/modprobe.d",
                "usr/lib/modules-load.d",
                "run/modprobe.d",
                "run/modules-load.d")) {
            Path source = Path.of("/").resolve(directory);
            if (Files.isDirectory(source)) {
                Files.createDirectories(root.resolve(directory).getParent());
                run(List.of(
                        "cp", "-a", source.toString(), root.resolve(directory).toString()));
            }
        }
        if (Files.isSymbolicLink(Path.of("/lib"))) {
            Files.createSymbolicLink(root.resolve("lib"), Files.readSymbolicLink(Path.of("/lib")));
        }
        change.apply(root);
        ConfigScan.Report report;
        try (DirectoryRootFs fs = new DirectoryRootFs(root, name + " configuration")) {
            report = ConfigScan.host(engine, fs, Path.of("/proc"), name);
        }
        Map<String, String> oscap = oscap(root);
        Map<String, Status> agreed = new LinkedHashMap<>();
        List<String> mismatches = new ArrayList<>();
        StringBuilder table = new StringBuilder(name + ": rule, Vigil, OpenSCAP\n");
        for (Result result : report.results()) {
            String ssg = SSG_BY_RULE.get(result.rule().id());
            if (ssg == null) {
                continue;
            }
            String theirs = oscap.getOrDefault(ssg, "missing");
            table.append("  ")
                    .append(result.rule().id())
                    .append(" ")
                    .append(result.status())
                    .append(" ")
                    .append(theirs)
                    .append('\n');
            boolean oursDecided = result.status() == Status.PASS || result.status() == Status.FAIL;
            boolean theirsDecided = theirs.equals("true") || theirs.equals("false");
            if (!oursDecided || !theirsDecided) {
                continue;
            }
            if ((result.status() == Status.PASS) == theirs.equals("true")) {
                agreed.put(result.rule().id(), result.status());
            } else {
                mismatches.add(result.rule().id() + " (" + ssg + "): Vigil " + result.status() + " on "
                        + result.actual() + ", OpenSCAP " + theirs);
            }
        }
        System.out.print(table);
        System.out.println(name + ": " + agreed.size() + " agreed, " + mismatches.size() + " disagreed");
        return new Comparison(agreed, mismatches);
    }

    /** One {@code oscap oval eval} of the subset with the copy bind-mounted over /etc and the dpkg database. */
    private static Map<String, String> oscap(Path root) throws Exception {
        String script = "mount --bind \"$1/etc\" /etc && mount --bind \"$1/var/lib/dpkg/status\""
                + " /var/lib/dpkg/status && exec oscap oval eval --variables \"$2\" \"$3\"";
        String output = run(List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                script,
                "oscap",
                root.toString(),
                variables.toString(),
                subset.toString()));
        Map<String, String> verdicts = new TreeMap<>();
        Matcher matcher = VERDICT.matcher(output);
        while (matcher.find()) {
            verdicts.put(matcher.group(1), matcher.group(2));
        }
        assertThat(verdicts).as("oscap printed:\n" + output).isNotEmpty();
        return verdicts;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as(String.join(" ", command) + "\n" + text)
                .isZero();
        return text;
    }

    /** openssh-server in the copy's dpkg database, so both tools take the SSH server as installed. */
    private static void withSshServer(Path root) throws IOException {
        String status = Files.readString(root.resolve("var/lib/dpkg/status"));
        if (!status.contains("\nPackage: openssh-server\n")) {
            Files.writeString(root.resolve("var/lib/dpkg/status"), """

                    Package: openssh-server
                    Status: install ok installed
                    Priority: optional
                    Section: net
                    Installed-Size: 1804
                    Maintainer: Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>
                    Architecture: amd64
                    Source: openssh
                    Version: 1:9.2p1-2+deb12u6
                    Description: secure shell (SSH) server, for secure access from remote machines
                    """, StandardOpenOption.APPEND);
        }
        Files.createDirectories(root.resolve("etc/ssh"));
    }

    private static void loginDefs(Path root, String maxDays, String minDays, String warnAge) throws IOException {
        Path file = root.resolve("etc/login.defs");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.matches("\\s*PASS_(MAX_DAYS|MIN_DAYS|WARN_AGE)\\b.*")) {
                lines.add(line);
            }
        }
        lines.add("PASS_MAX_DAYS " + maxDays);
        lines.add("PASS_MIN_DAYS " + minDays);
        lines.add("PASS_WARN_AGE " + warnAge);
        Files.write(file, lines);
    }

    private static void owners(Path root, String name, String mode, int uid, int gid) throws IOException {
        Path file = root.resolve("etc").resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, "");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        Files.setAttribute(file, "unix:uid", uid);
        Files.setAttribute(file, "unix:gid", gid);
    }
}
