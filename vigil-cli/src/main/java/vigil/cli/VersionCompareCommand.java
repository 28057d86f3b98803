package vigil.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vigil.versions.VersionScheme;

/** {@code vigil version compare deb A B}: how Vigil orders two versions, to debug a match. */
@Command(
        name = "compare",
        description = {
            "Compare two versions in a package ecosystem's scheme and print <, = or >.",
            "With --stdin, read 'A B' pairs, one a line, and print one symbol a line."
        },
        mixinStandardHelpOptions = true)
final class VersionCompareCommand implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCHEME", description = "deb, rpm or apk")
    String scheme = "";

    @Parameters(index = "1", paramLabel = "A", arity = "0..1")
    @Nullable
    String left;

    @Parameters(index = "2", paramLabel = "B", arity = "0..1")
    @Nullable
    String right;

    @Option(names = "--stdin", description = "Read 'A B' pairs from standard input.")
    boolean stdin;

    @Override
    public Integer call() throws IOException {
        VersionScheme versions;
        try {
            versions = VersionScheme.forPurlType(scheme);
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown version scheme '" + scheme + "': use deb, rpm or apk", ExitCodes.USAGE);
        }
        PrintWriter out = Console.out();
        if (stdin) {
            if (left != null) {
                throw new UserError("give either two versions or --stdin, not both", ExitCodes.USAGE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] pair = line.trim().split("\\s+");
                if (pair.length != 2) {
                    throw new UserError(
                            "standard input line " + lineNumber + ": expected two versions separated by a space, got '"
                                    + line + "'",
                            ExitCodes.USAGE);
                }
                out.println(compare(versions, pair[0], pair[1], "line " + lineNumber));
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (left == null || right == null) {
            throw new UserError("give two versions to compare, or --stdin", ExitCodes.USAGE);
        }
        out.println(compare(versions, left, right, "arguments"));
        out.flush();
        return ExitCodes.OK;
    }

    private static String compare(VersionScheme versions, String a, String b, String where) {
        try {
            int order = versions.compare(a, b);
            return order < 0 ? "<" : order > 0 ? ">" : "=";
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + e.getMessage(), ExitCodes.USAGE);
        }
    }
}
