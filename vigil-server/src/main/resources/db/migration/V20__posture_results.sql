-- The Misconfigurations wing's tables (ADR 0054). Portable SQL: the same statements run on SQLite and PostgreSQL.
-- A failed verdict is also a finding of category 'misconfiguration' in its scope; these tables hold every verdict
-- (passes too), which the compliance scores are computed from.

-- The latest verdict of each rule on each resource of a scope (a host today), replaced as a whole by the scope's next
-- scan in the batch's transaction. result_id: a fingerprint of the rule and the resource id (which may be long).
CREATE TABLE posture_results (
    org_id         VARCHAR(64) NOT NULL,
    scope_kind     VARCHAR(16) NOT NULL,
    scope_id       VARCHAR(255) NOT NULL,
    result_id      VARCHAR(64) NOT NULL,
    rule_id        VARCHAR(200) NOT NULL,
    title          VARCHAR(512) NOT NULL,
    severity       VARCHAR(16) NOT NULL,
    severity_rank  INTEGER NOT NULL,
    status         VARCHAR(16) NOT NULL,
    resource_type  VARCHAR(128) NOT NULL,
    resource_id    VARCHAR(1100) NOT NULL,
    resource_name  VARCHAR(1024) NOT NULL,
    host_name      VARCHAR(255),
    controls       VARCHAR(8192) NOT NULL,
    finding_id     VARCHAR(128),
    evaluated_at   BIGINT NOT NULL,
    PRIMARY KEY (org_id, scope_kind, scope_id, result_id)
);
CREATE INDEX posture_results_by_rule ON posture_results (org_id, rule_id, status);

-- One row per scan of a scope: when, what ran, and its counts, so scores can be drawn over time.
CREATE TABLE posture_scans (
    org_id       VARCHAR(64) NOT NULL,
    scope_kind   VARCHAR(16) NOT NULL,
    scope_id     VARCHAR(255) NOT NULL,
    host_name    VARCHAR(255),
    benchmark    VARCHAR(128) NOT NULL,
    scanned_at   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    passed       INTEGER NOT NULL,
    failed       INTEGER NOT NULL,
    unknown      INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    notes        VARCHAR(8192) NOT NULL
);
CREATE INDEX posture_scans_by_scope ON posture_scans (org_id, scope_kind, scope_id, scanned_at);
