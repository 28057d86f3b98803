package vigil.threats.rules.policy;

import java.util.List;
import vigil.threats.rules.engine.VariableType;
import vigil.threats.rules.event.FieldType;

/** The values of variables as the engine holds them: arrays of one type. */
final class Variables {
    private Variables() {}

    /** The type of a value written in a set action ({@code value: 1}, {@code default_value: ''}). */
    static VariableType typeOf(Object value, boolean append) {
        Object sample = value instanceof List<?> list && !list.isEmpty() ? list.getFirst() : value;
        FieldType type = switch (sample) {
            case Long l -> FieldType.INT;
            case Integer i -> FieldType.INT;
            case Boolean b -> FieldType.BOOL;
            default -> FieldType.STRING;
        };
        return new VariableType(type, append || value instanceof List<?>);
    }

    /** A written value as an array of its type. */
    static Object array(Object value) {
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        VariableType type = typeOf(value, false);
        return switch (type.type()) {
            case INT ->
                items.stream().mapToLong(item -> ((Number) item).longValue()).toArray();
            case BOOL -> {
                boolean[] out = new boolean[items.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (Boolean) items.get(i);
                }
                yield out;
            }
            default -> items.stream().map(String::valueOf).toArray(String[]::new);
        };
    }
}
