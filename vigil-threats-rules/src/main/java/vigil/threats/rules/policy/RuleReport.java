package vigil.threats.rules.policy;

/**
 * One rule's outcome, as {@code vigil rules check} prints it: its id, where it is ({@code file:line:column}), its
 * status and why (the filter that excluded it, the error, the missing field or event type; empty when loaded).
 */
public record RuleReport(String id, String source, RuleStatus status, String reason) {}
