package vigil.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Commands built with picocli's programmatic model instead of its annotations, for the commands that run often and
 * briefly (ADR 0042). Reading an annotation makes the JDK generate a proxy class for its type (the AOT cache stores
 * none), and binding annotated fields goes through reflection that spins method handles: together most of the time
 * picocli took before a scan started. Each builder here gives what the annotation of the same name gives, so help,
 * usage errors and exit codes stay the same ({@code CommandLineTextTest}).
 */
final class CommandSpecs {
    // Where an annotation leaves an attribute empty, its builder says null; the builders below say "" like the
    // annotation (neither changes help or parsing, but the two models stay equal attribute for attribute).

    /** The key under which picocli keeps {@code mixinStandardHelpOptions}. */
    private static final String STANDARD_HELP = "mixinStandardHelpOptions";

    private CommandSpecs() {}

    /** {@code @Command(name = NAME, description = DESCRIPTION)} on a class that runs {@code call}. */
    static CommandSpec command(String name, Callable<Integer> call, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(call).name(name);
        spec.usageMessage().description(description);
        return spec;
    }

    /**
     * {@code mixinStandardHelpOptions = true}: {@code -h, --help} and {@code -V, --version}, as picocli's own mixin
     * declares them. Annotated commands get the mixin after their fields' options, so this comes last too.
     */
    static void addStandardHelpOptions(CommandSpec spec) {
        CommandSpec mixin = CommandSpec.create();
        mixin.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help")
                .description("Show this help message and exit.")
                .paramLabel("<helpRequested>")
                .type(boolean.class)
                .initialValue(false)
                .hasInitialValue(true)
                .prompt("")
                .build());
        mixin.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version")
                .description("Print version information and exit.")
                .paramLabel("<versionRequested>")
                .type(boolean.class)
                .initialValue(false)
                .hasInitialValue(true)
                .prompt("")
                .build());
        spec.addMixin(STANDARD_HELP, mixin);
    }

    /** {@code @Option(names = NAMES, paramLabel = LABEL, description = DESCRIPTION)} on a field of {@code type}. */
    static OptionSpec option(
            Class<?> type, @Nullable Object initial, String label, String description, String name, String... names) {
        return optionBuilder(type, initial, label, description, name, names).build();
    }

    /** The same, with {@code converter = ...} and no initial value. */
    static OptionSpec converted(
            Class<?> type,
            ITypeConverter<?> converter,
            String label,
            String description,
            String name,
            String... names) {
        return optionBuilder(type, null, label, description, name, names)
                .converters(converter)
                .build();
    }

    /**
     * {@code @Option(names = NAMES, description = DESCRIPTION) boolean field;}: picocli labels such an option with
     * the field's name, which it never shows (the option takes no value).
     */
    static OptionSpec flag(String field, String description, String name, String... names) {
        return option(boolean.class, false, "<" + field + ">", description, name, names);
    }

    /** What picocli's annotation reader gives every option: an initial value, no description key, no prompt. */
    private static OptionSpec.Builder optionBuilder(
            Class<?> type, @Nullable Object initial, String label, String description, String name, String... names) {
        return OptionSpec.builder(name, names)
                .paramLabel(label)
                .description(description)
                .type(type)
                .initialValue(initial)
                .hasInitialValue(true)
                .descriptionKey("")
                .prompt("");
    }

    /** {@code @Parameters(paramLabel = LABEL, description = DESCRIPTION)}: the one required positional parameter. */
    static PositionalParamSpec parameter(Class<?> type, Object initial, String label, String description) {
        return PositionalParamSpec.builder()
                .index("0")
                .arity("1")
                .required(true)
                .paramLabel(label)
                .description(description)
                .type(type)
                .initialValue(initial)
                .hasInitialValue(true)
                .descriptionKey("")
                .prompt("")
                .build();
    }
}
