-- The Threats wing's tables (ADR 0046). Portable SQL: the same statements run on SQLite and PostgreSQL. Each signal is
-- also a finding of category 'threat' in a stream scope; these tables hold what only a signal has.

-- One row per signal and organization (the agent's signal id is the key: a batch sent twice, or a signal in two
-- batches, is one signal), written in the finding's transaction. state: open, acknowledged or archived; a later batch
-- never changes it, only a person (or a mute, on arrival: muted_by).
CREATE TABLE threat_signals (
    org_id           VARCHAR(64) NOT NULL,
    signal_id        VARCHAR(64) NOT NULL,
    finding_id       VARCHAR(128) NOT NULL,
    host_id          VARCHAR(64) NOT NULL,
    host_name        VARCHAR(255) NOT NULL,
    rule_id          VARCHAR(256) NOT NULL,
    severity         VARCHAR(16) NOT NULL,
    severity_rank    INTEGER NOT NULL,
    mitre_tactic     VARCHAR(64),
    mitre_technique  VARCHAR(64),
    event_type       VARCHAR(64) NOT NULL,
    process_path     VARCHAR(4096) NOT NULL,
    container_image  VARCHAR(1024),
    at               BIGINT NOT NULL,
    event_count      BIGINT NOT NULL,
    received_at      BIGINT NOT NULL,
    state            VARCHAR(16) NOT NULL,
    state_at         BIGINT NOT NULL,
    state_by         VARCHAR(320),
    muted_by         VARCHAR(64),
    PRIMARY KEY (org_id, signal_id)
);
-- the list, newest first, with its cursor (at, signal_id); the filters narrow it
CREATE INDEX threat_signals_by_time ON threat_signals (org_id, at, signal_id);
CREATE INDEX threat_signals_by_finding ON threat_signals (org_id, finding_id);

-- Every change of a signal's state: who, when, from what to what, and why (a mute names itself).
CREATE TABLE threat_signal_events (
    org_id      VARCHAR(64) NOT NULL,
    signal_id   VARCHAR(64) NOT NULL,
    at          BIGINT NOT NULL,
    from_state  VARCHAR(16),
    to_state    VARCHAR(16) NOT NULL,
    actor       VARCHAR(320) NOT NULL,
    detail      VARCHAR(2000)
);
CREATE INDEX threat_signal_events_by_signal ON threat_signal_events (org_id, signal_id, at);

-- A person's mute of a rule for a process path (exact or glob) or a container image (exact or glob): signals that
-- match when they arrive are stored archived, never dropped.
CREATE TABLE threat_mutes (
    org_id           VARCHAR(64) NOT NULL,
    id               VARCHAR(64) NOT NULL,
    rule_id          VARCHAR(256) NOT NULL,
    process_path     VARCHAR(4096),
    container_image  VARCHAR(1024),
    reason           VARCHAR(1000),
    created_by       VARCHAR(320) NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

-- The latest sensor state each host reported (a signals section's "sensor" object), for the Threats pages.
CREATE TABLE threat_sensors (
    org_id          VARCHAR(64) NOT NULL,
    host_id         VARCHAR(64) NOT NULL,
    host_name       VARCHAR(255) NOT NULL,
    state           VARCHAR(16) NOT NULL,
    reason          VARCHAR(1024),
    source          VARCHAR(32) NOT NULL,
    hooks           TEXT NOT NULL,
    since           BIGINT,
    events          BIGINT NOT NULL,
    lost            TEXT NOT NULL,
    lost_total      BIGINT NOT NULL,
    approver_drops  BIGINT NOT NULL,
    suppressed      BIGINT NOT NULL,
    reported_at     BIGINT NOT NULL,
    PRIMARY KEY (org_id, host_id)
);
