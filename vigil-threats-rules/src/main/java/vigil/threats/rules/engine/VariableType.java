package vigil.threats.rules.engine;

import vigil.threats.rules.event.FieldType;

/** The type of a variable ({@code ${process.correlation_key}}): of its values, and whether it holds several. */
public record VariableType(FieldType type, boolean array) {}
