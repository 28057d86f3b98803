package vigil.posture.model;

import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The values resource attributes may hold, in the forms CEL reads: {@code Map<String, Object>}, {@code List},
 * {@code String}, {@code Long}, {@code Double}, {@code Boolean}, CEL's null and {@link Unknown}. Every input goes
 * through here, so an {@code Integer} from one parser and a {@code Long} from another compare equal in a rule.
 */
public final class Values {
    /** Deeper than any real configuration; a deeper one is cut with {@link #TOO_DEEP}. */
    public static final int MAX_DEPTH = 64;

    public static final String TOO_DEEP = "(nested too deeply)";

    private Values() {}

    /** An immutable copy of {@code map} with every value normalized; keys in their order. */
    public static Map<String, Object> map(Map<String, ?> map) {
        return map(map, 0);
    }

    /** One value normalized. */
    public static Object of(@Nullable Object value) {
        return of(value, 0);
    }

    /** True when the value is CEL's null (or Java's). */
    public static boolean isNull(@Nullable Object value) {
        return value == null || value == NullValue.NULL_VALUE;
    }

    private static Map<String, Object> map(Map<String, ?> map, int depth) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, of(value, depth + 1)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object of(@Nullable Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return TOO_DEEP;
        }
        return switch (value) {
            case null -> NullValue.NULL_VALUE;
            case NullValue n -> n;
            case Unknown u -> u;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigInteger big -> big.bitLength() < 64 ? big.longValue() : big.doubleValue();
            case BigDecimal dec ->
                dec.scale() <= 0 && dec.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                        ? dec.longValue()
                        : dec.doubleValue();
            case Map<?, ?> m -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((key, item) -> copy.put(String.valueOf(key), of(item, depth + 1)));
                yield Collections.unmodifiableMap(copy);
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(item -> copy.add(of(item, depth + 1)));
                yield Collections.unmodifiableList(copy);
            }
            case Character c -> c.toString();
            case Enum<?> e -> e.name().toLowerCase(java.util.Locale.ROOT);
            default -> value.toString();
        };
    }

    /** A value as evidence shows it: strings quoted, lists and maps in brackets, cut at {@code max} characters. */
    public static String text(@Nullable Object value, int max) {
        StringBuilder out = new StringBuilder();
        append(out, value, max);
        return out.length() > max ? out.substring(0, max - 1) + "…" : out.toString();
    }

    private static void append(StringBuilder out, @Nullable Object value, int max) {
        if (out.length() > max) {
            return;
        }
        switch (value) {
            case null -> out.append("null");
            case NullValue n -> out.append("null");
            case String s -> out.append('"').append(s).append('"');
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : m.entrySet()) {
                    out.append(first ? "" : ", ").append(entry.getKey()).append(": ");
                    append(out, entry.getValue(), max);
                    first = false;
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    append(out, l.get(i), max);
                }
                out.append(']');
            }
            default -> out.append(value);
        }
    }

    /** Whether {@code value} holds {@link Unknown} anywhere inside. */
    public static boolean holdsUnknown(@Nullable Object value) {
        return switch (value) {
            case Unknown u -> true;
            case Map<?, ?> m -> m.values().stream().anyMatch(Values::holdsUnknown);
            case List<?> l -> l.stream().anyMatch(Values::holdsUnknown);
            case null, default -> false;
        };
    }
}
