package vigil.cli;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import vigil.model.Severity;

/** Parses {@code CRITICAL,HIGH} (any case) into severities, naming the bad word and the choices on error. */
final class SeverityConverter implements ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) {
        return parse(value);
    }

    static Severity parse(String value) {
        try {
            return Severity.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a severity; use one of UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL");
        }
    }

    static Set<Severity> parseList(String values) {
        Set<Severity> out = EnumSet.noneOf(Severity.class);
        for (String value : values.split(",")) {
            if (!value.isBlank()) {
                out.add(parse(value));
            }
        }
        return out;
    }
}
