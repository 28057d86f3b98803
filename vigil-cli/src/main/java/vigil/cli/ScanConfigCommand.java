package vigil.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import vigil.cli.output.PostureReport;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.model.Severity;
import vigil.posture.checks.BuiltInRules;
import vigil.posture.checks.ConfigScan;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;
import vigil.posture.rule.RuleFiles;
import vigil.posture.rule.RuleProblem;

/**
 * {@code vigil scan config host}: the agent's posture checks run from the command line on the machine itself, as
 * kube-bench and docker-bench-security run (ADR 0054). Built in code like the other scan commands (ADR 0042).
 */
final class ScanConfigCommand {
    private ScanConfigCommand() {}

    static CommandSpec spec() {
        CommandSpec config = CommandSpecs.command(
                "config",
                () -> {
                    throw new UserError(
                            "say what to check: 'vigil scan config host' (see 'vigil scan config --help')",
                            ExitCodes.USAGE);
                },
                "Check configuration against the built-in benchmarks (misconfigurations).",
                "  vigil scan config host [--root DIR]   this Linux host: SSH, accounts, files, kernel, packages",
                "  vigil scan config docker              Docker here: the daemon, its files, running containers");
        CommandSpecs.addStandardHelpOptions(config);
        config.addSubcommand("host", new CommandLine(host()));
        config.addSubcommand("docker", new CommandLine(docker()));
        return config;
    }

    private static CommandSpec host() {
        OptionSpec root = CommandSpecs.option(
                Path.class,
                Path.of("/"),
                "DIR",
                "The host's root directory (default: /). Kernel settings and mounts are read only when it is /.",
                "--root");
        Options options = new Options();
        CommandSpec spec = CommandSpecs.command(
                "host",
                () -> runHost((Path) root.getValue(), options),
                "Check this Linux host against the Linux baseline (CIS, with SCAP Security Guide references).");
        spec.addOption(root);
        options.addTo(spec);
        CommandSpecs.addStandardHelpOptions(spec);
        return spec;
    }

    private static CommandSpec docker() {
        OptionSpec root = CommandSpecs.option(
                Path.class,
                Path.of("/"),
                "DIR",
                "The host's root directory, for the daemon's files (default: /).",
                "--root");
        OptionSpec socket = CommandSpecs.option(
                Path.class,
                Path.of("/var/run/docker.sock"),
                "PATH",
                "Docker's API socket (default: /var/run/docker.sock).",
                "--socket");
        Options options = new Options();
        CommandSpec spec = CommandSpecs.command(
                "docker",
                () -> runDocker((Path) root.getValue(), (Path) socket.getValue(), options),
                "Check Docker on this host against CIS Docker Benchmark 1.6: the daemon's settings, its files and the"
                        + " running containers.");
        spec.addOption(root);
        spec.addOption(socket);
        options.addTo(spec);
        CommandSpecs.addStandardHelpOptions(spec);
        return spec;
    }

    /** Options every config scan shares. */
    private static final class Options {
        final OptionSpec format = CommandSpecs.option(
                String.class, "table", "FORMAT", "table (default), json or sarif.", "-f", "--format");
        final OptionSpec output = CommandSpecs.option(
                Path.class, null, "FILE", "Write the report to FILE instead of standard output.", "-o", "--output");
        final OptionSpec failOn = CommandSpecs.converted(
                Severity.class,
                new SeverityConverter(),
                "SEVERITY",
                "Exit with code 1 when a failed check is at least this severe.",
                "--fail-on");
        final OptionSpec rules = OptionSpec.builder("--rules")
                .paramLabel("DIR")
                .description("Also load the custom rules in DIR (YAML files; repeatable).")
                .type(List.class)
                .auxiliaryTypes(Path.class)
                .initialValue(new ArrayList<Path>())
                .hasInitialValue(true)
                .descriptionKey("")
                .prompt("")
                .build();
        final OptionSpec all = CommandSpecs.flag("all", "List passed checks too.", "--all");

        void addTo(CommandSpec spec) {
            for (OptionSpec option : new OptionSpec[] {format, output, failOn, rules, all}) {
                spec.addOption(option);
            }
        }
    }

    private static int runHost(Path root, Options options) throws IOException {
        PostureReport.Format format = format(options);
        PostureEngine engine = engine(options);
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new UserError("--root " + root + " is not a directory", ExitCodes.USAGE);
        }
        boolean live = absolute.equals(Path.of("/"));
        ConfigScan.Report report;
        try (DirectoryRootFs fs = new DirectoryRootFs(absolute, live ? "host /" : "host root " + absolute)) {
            report = ConfigScan.host(engine, fs, live ? Path.of("/proc") : null, hostName(absolute));
        }
        write(report, format, options);
        return exitCode(report, (Severity) options.failOn.getValue());
    }

    private static int runDocker(Path root, Path socket, Options options) throws IOException {
        PostureReport.Format format = format(options);
        PostureEngine engine = engine(options);
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new UserError("--root " + root + " is not a directory", ExitCodes.USAGE);
        }
        if (!Files.exists(socket)) {
            throw new UserError(
                    "no Docker socket at " + socket + ": is Docker running here? (--socket PATH names another one)",
                    ExitCodes.NOT_SCANNABLE);
        }
        boolean live = absolute.equals(Path.of("/"));
        ConfigScan.Report report;
        try (DirectoryRootFs fs = new DirectoryRootFs(absolute, live ? "host /" : "host root " + absolute)) {
            report = ConfigScan.docker(
                    engine,
                    new vigil.agent.docker.DockerEngine(socket, java.time.Duration.ofSeconds(10)),
                    fs,
                    live ? Path.of("/proc") : null,
                    hostName(absolute));
        }
        write(report, format, options);
        if (report.results().isEmpty() && !report.notes().isEmpty()) {
            return ExitCodes.NOT_SCANNABLE; // the daemon did not answer: nothing was checked
        }
        return exitCode(report, (Severity) options.failOn.getValue());
    }

    private static PostureReport.Format format(Options options) {
        try {
            return PostureReport.Format.parse((String) options.format.getValue());
        } catch (IllegalArgumentException e) {
            throw new UserError(String.valueOf(e.getMessage()), ExitCodes.USAGE);
        }
    }

    static PostureEngine engine(Options options) throws IOException {
        List<Path> directories = options.rules.getValue();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                throw new UserError("--rules " + directory + " is not a directory of rule files", ExitCodes.USAGE);
            }
        }
        RuleFiles.Read read = BuiltInRules.load(directories);
        PostureEngine.Compilation compilation = PostureEngine.compile(read.rules());
        List<RuleProblem> problems = new ArrayList<>(read.problems());
        problems.addAll(compilation.problems());
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("the rules have problems; fix them and run again:");
            problems.stream()
                    .limit(20)
                    .forEach(problem -> message.append("\n  ").append(problem));
            if (problems.size() > 20) {
                message.append("\n  … and ").append(problems.size() - 20).append(" more");
            }
            throw new UserError(message.toString(), ExitCodes.USAGE);
        }
        return compilation.engine();
    }

    private static String hostName(Path root) {
        try {
            Path file = root.resolve("etc/hostname");
            if (Files.isRegularFile(file) && Files.size(file) < 256) {
                String name = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!name.isEmpty() && name.matches("[A-Za-z0-9.-]+")) {
                    return name;
                }
            }
        } catch (IOException e) {
            // the name is only a label
        }
        return "localhost";
    }

    private static void write(ConfigScan.Report report, PostureReport.Format format, Options options)
            throws IOException {
        @Nullable Path output = options.output.getValue();
        boolean all = options.all.getValue();
        if (output == null) {
            PrintWriter out = Console.out();
            PostureReport.write(report, format, all, VersionCommand.VERSION, out);
            out.println();
            out.flush();
            return;
        }
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8)) {
            PostureReport.write(report, format, all, VersionCommand.VERSION, out);
        }
    }

    private static int exitCode(ConfigScan.Report report, @Nullable Severity failOn) {
        if (failOn == null) {
            return ExitCodes.OK;
        }
        for (Result result : report.results()) {
            if (result.status() == Status.FAIL && result.rule().severity().compareTo(failOn) >= 0) {
                return ExitCodes.FINDINGS;
            }
        }
        return ExitCodes.OK;
    }
}
