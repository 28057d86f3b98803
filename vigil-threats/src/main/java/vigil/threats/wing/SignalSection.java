package vigil.threats.wing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import vigil.model.batch.SectionType;
import vigil.model.finding.Category;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Fingerprint;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;
import vigil.model.finding.Scope;
import vigil.server.findings.FindingWriter;
import vigil.server.findings.Triage;
import vigil.server.intake.Intake;
import vigil.server.notify.Notifications;
import vigil.server.wing.SectionHandler;
import vigil.spi.intake.IntakeException;

/**
 * The batch section {@code signals} (docs/threats-signals.md): each new signal becomes a threat finding in its host's
 * stream (append only: a later batch never resolves one) and a row of {@code threat_signals} with its state, in the
 * batch's transaction. A signal id the organization has already is skipped (a batch sent twice, a signal in two
 * batches: one signal). A signal a mute matches is stored archived and its finding muted, and does not notify; the
 * others notify as new findings do. The section's sensor state is kept per host.
 */
final class SignalSection implements SectionHandler {
    static final String TYPE = SectionType.SIGNALS.wire();
    /** {@code findings.rule_id} holds 200 characters; a rule id may have 256 (the full id stays in the evidence). */
    static final int MAX_FINDING_RULE = 200;

    private final FindingWriter findings;
    private final Notifications notifications;
    private final Triage triage;
    private final Clock clock;

    SignalSection(FindingWriter findings, Notifications notifications, Triage triage, Clock clock) {
        this.findings = findings;
        this.notifications = notifications;
        this.triage = triage;
        this.clock = clock;
    }

    @Override
    public String section() {
        return TYPE;
    }

    @Override
    public boolean present(Intake.ParsedBatch batch) {
        return !batch.sections(TYPE).isEmpty();
    }

    @Override
    public void check(Intake.ParsedBatch batch) throws IntakeException {
        read(batch);
    }

    /** What the batch's signals sections say, read in order: the last sensor state and every signal once. */
    private record Read(@Nullable Sensor sensor, List<Signal> signals) {}

    private static Read read(Intake.ParsedBatch batch) throws IntakeException {
        Sensor sensor = null;
        Map<String, Signal> signals = new LinkedHashMap<>();
        for (Intake.Section section : batch.sections(TYPE)) {
            SignalReader.Read read = SignalReader.read(section, host(batch));
            if (read.sensor() != null) {
                sensor = read.sensor();
            }
            read.signals().forEach(signal -> signals.putIfAbsent(signal.id(), signal));
        }
        return new Read(sensor, List.copyOf(signals.values()));
    }

    @Override
    public Prepared prepare(Intake.ParsedBatch batch) {
        Read read;
        try {
            read = read(batch);
        } catch (IntakeException e) {
            // the intake checked the batch before preparing it (SectionHandler.check)
            throw new IllegalStateException("a signals section that failed its check was prepared", e);
        }
        String hostId = batch.agentId();
        String hostName = host(batch);
        Resource host = new Resource("host", "host:" + hostId, hostName, null, hostName, null, Map.of());
        return (handle, orgId) -> store(handle, orgId, read, hostId, hostName, host);
    }

    private int store(Handle handle, String orgId, Read read, String hostId, String hostName, Resource host) {
        long now = clock.millis();
        if (read.sensor() != null) {
            SignalStore.sensor(handle, orgId, hostId, hostName, read.sensor(), now);
        }
        Set<String> known = SignalStore.known(
                handle, orgId, read.signals().stream().map(Signal::id).toList());
        List<Signal> fresh = read.signals().stream()
                .filter(signal -> !known.contains(signal.id()))
                .toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        List<Mute> mutes = SignalStore.mutes(handle, orgId);
        List<Finding> found = new ArrayList<>();
        Map<String, Mute> mutedFindings = new LinkedHashMap<>();
        Instant seen = Instant.ofEpochMilli(now);
        for (Signal signal : fresh) {
            Finding finding = finding(signal, host, seen);
            found.add(finding);
            Mute mute =
                    mutes.stream().filter(m -> m.matches(signal)).findFirst().orElse(null);
            SignalStore.insert(handle, orgId, signal, finding.id(), hostId, hostName, mute, now);
            if (mute != null) {
                mutedFindings.put(finding.id(), mute);
            }
        }
        FindingWriter.Outcome outcome =
                findings.replace(handle, orgId, new Scope.Stream("signals:" + hostId), Category.THREAT, found);
        mutedFindings.forEach((findingId, mute) ->
                triage.mute(handle, orgId, findingId, "muted by " + mute.describe(), null, "mute " + mute.id()));
        List<Finding> raised = outcome.raised().stream()
                .filter(finding -> !mutedFindings.containsKey(finding.id()))
                .toList();
        notifications.enqueue(handle, orgId, raised, List.of());
        return found.size();
    }

    /** A signal as the finding it is: one per signal id, on its host, titled by its rule's description. */
    static Finding finding(Signal signal, Resource host, Instant seen) {
        String description = signal.ruleDescription();
        String title = description == null || description.isBlank() ? signal.ruleId() : description;
        return new Finding(
                Fingerprint.of(Category.THREAT, "signal", "", signal.id()),
                Category.THREAT,
                new RuleRef(findingRule(signal.ruleId()), title, signal.severity(), List.of()),
                host,
                new FindingStatus.Open(),
                seen,
                seen,
                signal.evidence(),
                null);
    }

    /** The rule id as {@code findings.rule_id} holds it: whole up to 200 characters, else cut with a hash. */
    static String findingRule(String ruleId) {
        if (ruleId.length() <= MAX_FINDING_RULE) {
            return ruleId;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(ruleId.getBytes(StandardCharsets.UTF_8));
            return ruleId.substring(0, MAX_FINDING_RULE - 17) + "~"
                    + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The host signals come from: the agent's hostname, or a source's id when no agent sent them. */
    private static String host(Intake.ParsedBatch batch) {
        return batch.hostname().isEmpty() ? batch.agentId() : batch.hostname();
    }
}
