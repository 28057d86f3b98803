package vigil.threats.rules.policy;

/** What became of a rule when its policies were loaded. */
public enum RuleStatus {
    /** Compiled: it runs on the events of its type. */
    LOADED,
    /** Excluded by one of its filters or its agent_version on this host and this Vigil. */
    FILTERED,
    /** {@code disabled: true}. */
    DISABLED,
    /** Names an event type or field that Vigil's sensor does not provide, or a construct Vigil does not run yet. */
    UNSUPPORTED,
    /** Wrong: a syntax error, an unknown field, a type mismatch, a duplicate id. */
    ERROR;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
