package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.CvssScore;
import vigil.model.FixState;

/**
 * Why a finding was raised, in a shape specific to its capability (ADR 0034). Every permitted type round-trips
 * through {@link EvidenceCodec} and the OCSF mapping; {@code EvidenceRoundTripTest} fails for a type without an
 * example, so a new capability cannot add evidence without both.
 */
public sealed interface Evidence {
    /**
     * The one category whose findings carry this evidence (null: {@link Attributes}, which any category may carry
     * until it has a shape of its own).
     */
    default @Nullable Category category() {
        return switch (this) {
            case VulnerablePackage v -> Category.VULNERABILITY;
            case PostureResult p -> Category.MISCONFIGURATION;
            case ThreatSignal t -> Category.THREAT;
            case IdentityRisk i -> Category.IDENTITY_RISK;
            case Attributes a -> null;
        };
    }

    /** A vulnerable installed package. */
    record VulnerablePackage(
            String packageName,
            String installedVersion,
            String purl,
            @Nullable String fixedVersion,
            FixState fixState,
            List<String> aliases,
            List<CvssScore> cvss,
            String severitySource,
            String advisorySource,
            String advisoryId)
            implements Evidence {

        public VulnerablePackage {
            requireNonNull(packageName, "packageName is null");
            requireNonNull(installedVersion, "installedVersion is null");
            requireNonNull(purl, "purl is null");
            requireNonNull(fixState, "fixState is null");
            aliases = List.copyOf(aliases);
            cvss = List.copyOf(cvss);
            requireNonNull(severitySource, "severitySource is null");
            requireNonNull(advisorySource, "advisorySource is null");
            requireNonNull(advisoryId, "advisoryId is null");
        }
    }

    /**
     * A failed posture check on a cloud resource, Kubernetes object or host (Trivy misconfiguration, kube-bench,
     * Checkov, Prowler, Datadog CSM's compliance rules report the same parts).
     *
     * @param checkId the check as its engine names it ({@code AVD-AWS-0086}, {@code 1.1.1}, {@code CKV_AWS_20})
     * @param controls the framework controls the check evidences ({@code cis-aws-1.5:2.1.1}), possibly none
     * @param examined the resource's attributes the check read, as text ({@code block_public_acls -> false})
     * @param expected what the check requires, in words or as a value
     * @param actual what it found
     * @param remediation the check's own fix text, when it has one
     */
    record PostureResult(
            String checkId,
            List<String> controls,
            Map<String, String> examined,
            String expected,
            String actual,
            @Nullable String remediation)
            implements Evidence {

        public PostureResult {
            requireNonNull(checkId, "checkId is null");
            controls = List.copyOf(controls);
            examined = Map.copyOf(new TreeMap<>(examined));
            requireNonNull(expected, "expected is null");
            requireNonNull(actual, "actual is null");
        }
    }

    /**
     * A runtime detection (Falco rule, Datadog Workload Protection's SECL rule): which rule matched which event, and
     * the process, file and connection it involved, each present only when the event has one.
     *
     * @param eventType the kernel or audit event that matched ({@code open}, {@code execve}, {@code connect})
     * @param at when the event happened (not when it was stored)
     * @param fields further output fields of the rule (the event's SECL fields as text), at most {@link #MAX_FIELDS},
     *     keys at most 128 characters
     * @param ancestors the process's ancestors, parent first, at most {@link #MAX_ANCESTORS} (ADR 0046)
     * @param count how many matching events the signal stands for (a rate limit folds repeats into one signal), at
     *     least 1
     * @param lastTime the last event folded into it; null when it stands for one
     * @param actions what the rule's actions did (kill, hash, set)
     * @param signalId the id the sensor gave the signal (one signal per organization); null for detections without
     * @param mitreTactic the rule's MITRE ATT&CK tactic ({@code TA0006}), when it names one
     * @param mitreTechnique the rule's MITRE ATT&CK technique ({@code T1003.008}), when it names one
     */
    record ThreatSignal(
            String ruleName,
            String eventType,
            Instant at,
            @Nullable Process process,
            @Nullable FileAccess file,
            @Nullable Connection connection,
            Workload workload,
            Map<String, String> fields,
            List<Process> ancestors,
            long count,
            @Nullable Instant lastTime,
            List<Action> actions,
            @Nullable String signalId,
            @Nullable String mitreTactic,
            @Nullable String mitreTechnique)
            implements Evidence {
        /** The event's fields a signal carries (the wire format's limit, ADR 0046; it was 32 before). */
        public static final int MAX_FIELDS = 128;

        public static final int MAX_ANCESTORS = 32;
        public static final int MAX_ACTIONS = 32;

        public ThreatSignal {
            requireNonNull(ruleName, "ruleName is null");
            requireNonNull(eventType, "eventType is null");
            requireNonNull(at, "at is null");
            requireNonNull(workload, "workload is null");
            if (fields.size() > MAX_FIELDS) {
                throw new IllegalArgumentException(
                        "a threat signal carries at most " + MAX_FIELDS + " fields, not " + fields.size());
            }
            for (String key : fields.keySet()) {
                if (key.isEmpty() || key.length() > 128) {
                    throw new IllegalArgumentException(
                            "a threat signal's field name has 1 to 128 characters, not " + key.length());
                }
            }
            fields = Map.copyOf(new TreeMap<>(fields));
            ancestors = List.copyOf(ancestors);
            actions = List.copyOf(actions);
            if (ancestors.size() > MAX_ANCESTORS || actions.size() > MAX_ACTIONS) {
                throw new IllegalArgumentException("a threat signal carries at most " + MAX_ANCESTORS
                        + " ancestors and " + MAX_ACTIONS + " actions");
            }
            if (count < 1) {
                throw new IllegalArgumentException("a threat signal stands for at least one event, not " + count);
            }
            if (lastTime != null && lastTime.isBefore(at)) {
                throw new IllegalArgumentException(
                        "a threat signal's last event " + lastTime + " is before its first " + at);
            }
        }

        /** A single detection without lineage, rate limit or actions (the shape before ADR 0046). */
        public ThreatSignal(
                String ruleName,
                String eventType,
                Instant at,
                @Nullable Process process,
                @Nullable FileAccess file,
                @Nullable Connection connection,
                Workload workload,
                Map<String, String> fields) {
            this(
                    ruleName,
                    eventType,
                    at,
                    process,
                    file,
                    connection,
                    workload,
                    fields,
                    List.of(),
                    1,
                    null,
                    List.of(),
                    null,
                    null,
                    null);
        }

        /**
         * The process that caused the event ({@code proc.*}), or one of its ancestors; {@code pid} is 0 when unknown,
         * the ids null when unknown.
         */
        public record Process(
                long pid,
                String name,
                String executable,
                String commandLine,
                @Nullable String user,
                @Nullable String parentName,
                @Nullable Long ppid,
                @Nullable Long uid,
                @Nullable Long gid,
                @Nullable String group) {
            public Process {
                requireNonNull(name, "name is null");
                requireNonNull(executable, "executable is null");
                requireNonNull(commandLine, "commandLine is null");
            }

            /** Without the parent's pid and the numeric ids (the shape before ADR 0046). */
            public Process(
                    long pid,
                    String name,
                    String executable,
                    String commandLine,
                    @Nullable String user,
                    @Nullable String parentName) {
                this(pid, name, executable, commandLine, user, parentName, null, null, null, null);
            }
        }

        /** The file the event touched ({@code fd.name}) and how ({@code open_read}, {@code write}, {@code unlink}). */
        public record FileAccess(String path, String operation) {
            public FileAccess {
                requireNonNull(path, "path is null");
                requireNonNull(operation, "operation is null");
            }
        }

        /** The connection of a network event; ports are 0 where the protocol has none. */
        public record Connection(
                String protocol, String sourceAddress, int sourcePort, String destinationAddress, int destinationPort) {
            public Connection {
                requireNonNull(protocol, "protocol is null");
                requireNonNull(sourceAddress, "sourceAddress is null");
                requireNonNull(destinationAddress, "destinationAddress is null");
                for (int port : new int[] {sourcePort, destinationPort}) {
                    if (port < 0 || port > 65_535) {
                        throw new IllegalArgumentException("a port is 0 to 65535, not " + port);
                    }
                }
            }
        }

        /** Where the event happened: the host, and the container, its runtime and its image when it ran in one. */
        public record Workload(
                String host,
                @Nullable String containerId,
                @Nullable String image,
                @Nullable String containerRuntime) {
            public Workload {
                requireNonNull(host, "host is null");
            }

            public Workload(String host, @Nullable String containerId, @Nullable String image) {
                this(host, containerId, image, null);
            }
        }

        /**
         * What one of the rule's actions did: {@code action} ({@code kill}, {@code hash}, {@code set}), {@code result}
         * ({@code done}, {@code failed}, {@code skipped}) and its detail (the signal sent, the file's hash, why it
         * failed).
         */
        public record Action(
                String action, String result, @Nullable String detail) {
            public Action {
                requireNonNull(action, "action is null");
                requireNonNull(result, "result is null");
            }
        }
    }

    /**
     * A risky grant or escalation path of a cloud identity (Cloudsplaining's risk categories, pathfinding.cloud's
     * privilege-escalation paths, Datadog CIEM).
     *
     * @param principal the identity at risk (an ARN, a service account's e-mail)
     * @param principalType {@code user}, {@code role}, {@code group}, {@code service_account}, ...
     * @param permissions the permissions that make the risk ({@code iam:PassRole}, {@code lambda:CreateFunction})
     * @param path the identities or path steps traversed to reach them, in order; empty for a direct grant
     * @param resource what the permissions reach ({@code *} for every resource)
     */
    record IdentityRisk(
            String principal,
            String principalType,
            RiskKind kind,
            List<String> permissions,
            List<String> path,
            String resource)
            implements Evidence {

        public IdentityRisk {
            requireNonNull(principal, "principal is null");
            requireNonNull(principalType, "principalType is null");
            requireNonNull(kind, "kind is null");
            permissions = List.copyOf(permissions);
            path = List.copyOf(path);
            requireNonNull(resource, "resource is null");
        }

        /** Cloudsplaining's risk categories, plus administrative and cross-account access. */
        public enum RiskKind {
            PRIVILEGE_ESCALATION,
            DATA_EXFILTRATION,
            RESOURCE_EXPOSURE,
            INFRASTRUCTURE_MODIFICATION,
            CREDENTIALS_EXPOSURE,
            ADMIN_ACCESS,
            CROSS_ACCOUNT_ACCESS;

            public String wireName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }
    }

    /** Named values for capabilities whose evidence has no dedicated shape yet; values are strings, never objects. */
    record Attributes(Map<String, String> values) implements Evidence {
        public Attributes {
            values = Map.copyOf(new TreeMap<>(values));
        }
    }
}
