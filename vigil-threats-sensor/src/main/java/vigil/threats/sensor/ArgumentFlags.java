package vigil.threats.sensor;

import java.util.ArrayList;
import java.util.List;

/**
 * SECL's {@code args_flags} and {@code args_options} of a process's arguments (argv without argv0), with the reference
 * agent's semantics: {@code -abc} gives the flags {@code a}, {@code b}, {@code c} and {@code abc}; {@code --verbose}
 * the flag {@code verbose}; {@code -p 4444} and {@code --config /etc/x} the options {@code p=4444} and {@code
 * config=/etc/x} (the next argument, when it does not start with a dash, is the option's value); {@code --host=h}
 * and {@code -v=1} the options {@code host=h} and {@code v=1}. A lone {@code -} or {@code --} is neither.
 */
final class ArgumentFlags {
    private ArgumentFlags() {}

    static List<String> flags(List<String> args) {
        List<String> flags = new ArrayList<>();
        for (String arg : args) {
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                continue;
            }
            String name = arg.substring(1);
            boolean single = true;
            if (name.charAt(0) == '-') {
                name = name.substring(1);
                single = false;
            }
            if (name.isEmpty()) {
                continue;
            }
            boolean letters = single && name.chars().allMatch(Character::isLetterOrDigit);
            boolean option = name.indexOf('=') >= 0;
            if (letters) {
                name.codePoints().forEach(c -> flags.add(Character.toString(c)));
            }
            if (!option && name.length() > 1) {
                flags.add(name);
            }
        }
        return flags;
    }

    static List<String> options(List<String> args) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                continue;
            }
            String name = arg.substring(1);
            if (name.charAt(0) == '-') {
                name = name.substring(1);
            }
            if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
                continue;
            }
            if (name.indexOf('=') >= 0) {
                options.add(name);
            } else if (i + 1 < args.size()
                    && (args.get(i + 1).isEmpty() || args.get(i + 1).charAt(0) != '-')) {
                options.add(name + "=" + args.get(++i));
            }
        }
        return options;
    }
}
