package vigil.threats.rules.event;

/** The type of a field's values, as SECL's reference gives it. */
public enum FieldType {
    STRING,
    INT,
    BOOL,
    /** An IP address or network ({@code net.IPNet} in the reference). */
    IP;

    /** From the reference's word ({@code string}, {@code int}, {@code bool}, {@code ip} or {@code net.IPNet}). */
    public static FieldType of(String word) {
        return switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "string" -> STRING;
            case "int" -> INT;
            case "bool" -> BOOL;
            case "ip", "net.ipnet", "cidr" -> IP;
            default -> throw new IllegalArgumentException("unknown field type " + word);
        };
    }
}
