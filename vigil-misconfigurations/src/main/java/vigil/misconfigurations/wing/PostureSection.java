package vigil.misconfigurations.wing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import vigil.model.batch.SectionType;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Fingerprint;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;
import vigil.model.finding.Scope;
import vigil.server.findings.FindingWriter;
import vigil.server.intake.Intake;
import vigil.server.notify.Notifications;
import vigil.server.wing.SectionHandler;
import vigil.spi.intake.IntakeException;

/**
 * The batch section {@code posture} (docs/posture-results.md): a scan's verdicts replace its scope's (the sending
 * agent's host) in {@code posture_results}, and its failed verdicts replace the scope's misconfiguration findings, so a
 * check that passes now resolves its finding, in the batch's transaction. New failures notify as new findings do.
 */
final class PostureSection implements SectionHandler {
    static final String TYPE = SectionType.POSTURE.wire();

    private final FindingWriter findings;
    private final Notifications notifications;
    private final Clock clock;

    PostureSection(FindingWriter findings, Notifications notifications, Clock clock) {
        this.findings = findings;
        this.notifications = notifications;
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
        if (batch.agentId().isEmpty()) {
            throw new IntakeException(400, "a posture section of scope host comes from an agent: the batch names none");
        }
        for (Intake.Section section : batch.sections(TYPE)) {
            PostureReader.read(section);
        }
    }

    @Override
    public Prepared prepare(Intake.ParsedBatch batch) {
        List<PostureReader.Read> reads = new ArrayList<>();
        try {
            for (Intake.Section section : batch.sections(TYPE)) {
                reads.add(PostureReader.read(section));
            }
        } catch (IntakeException e) {
            throw new IllegalStateException("a posture section that failed its check was prepared", e);
        }
        // one scan per batch: the last section of the batch is the newest scan of the host
        PostureReader.Read read = reads.getLast();
        String hostId = batch.agentId();
        String hostName = batch.hostname().isEmpty() ? hostId : batch.hostname();
        return (handle, orgId) -> store(handle, orgId, read, hostId, hostName);
    }

    private int store(Handle handle, String orgId, PostureReader.Read read, String hostId, String hostName) {
        String scopeId = "host:" + hostId;
        Instant seen = Instant.ofEpochMilli(clock.millis());
        List<Finding> found = new ArrayList<>();
        Map<String, String> findingIds = new LinkedHashMap<>();
        for (Verdict verdict : read.verdicts()) {
            if (!verdict.status().equals("fail")) {
                continue;
            }
            Finding finding = finding(verdict, hostId, hostName, seen);
            found.add(finding);
            findingIds.put(PostureStore.resultId(verdict.ruleId(), verdict.resourceId()), finding.id());
        }
        FindingWriter.Outcome outcome =
                findings.replace(handle, orgId, new Scope.Resource(scopeId), Category.MISCONFIGURATION, found);
        PostureStore.replace(handle, orgId, "host", scopeId, hostName, read, findingIds, seen.toEpochMilli());
        notifications.enqueue(handle, orgId, outcome.raised(), outcome.reopenedFindings());
        return found.size();
    }

    /** A failed verdict as its finding: one per rule and resource of the host, stable across scans. */
    static Finding finding(Verdict verdict, String hostId, String hostName, Instant seen) {
        String resourceId = "host:" + hostId + ":" + verdict.resourceId();
        Resource resource = new Resource(
                verdict.resourceType(), resourceId, verdict.resourceName(), null, hostName, null, Map.of());
        Evidence.PostureResult evidence = new Evidence.PostureResult(
                verdict.ruleId(),
                verdict.controls(),
                verdict.evidence(),
                verdict.expected().isEmpty() ? verdict.title() : verdict.expected(),
                actual(verdict),
                verdict.remediation().isEmpty() ? null : verdict.remediation());
        return new Finding(
                Fingerprint.of(Category.MISCONFIGURATION, verdict.ruleId(), resourceId, ""),
                Category.MISCONFIGURATION,
                new RuleRef(verdict.ruleId(), verdict.title(), verdict.severity(), verdict.controls()),
                resource,
                new FindingStatus.Open(),
                seen,
                seen,
                evidence,
                null);
    }

    private static String actual(Verdict verdict) {
        if (verdict.evidence().isEmpty()) {
            return verdict.detail().isEmpty() ? "(no field read)" : verdict.detail();
        }
        List<String> parts = new ArrayList<>();
        verdict.evidence().forEach((field, value) -> parts.add(field + " -> " + value));
        return String.join(", ", parts);
    }
}
