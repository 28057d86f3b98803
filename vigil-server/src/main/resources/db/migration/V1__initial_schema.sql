-- Portable SQL: the same migration runs on SQLite (embedded default) and PostgreSQL.
-- Times are epoch milliseconds (BIGINT); identifiers are text UUIDs; JSON documents are TEXT.

CREATE TABLE organizations (
    id          VARCHAR(64) PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             VARCHAR(64) PRIMARY KEY,
    org_id         VARCHAR(64) NOT NULL REFERENCES organizations (id),
    email          VARCHAR(320) NOT NULL UNIQUE,
    password_hash  VARCHAR(400) NOT NULL,
    role           VARCHAR(32) NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  VARCHAR(128) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL REFERENCES users (id),
    expires_at  BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id            VARCHAR(64) PRIMARY KEY,
    org_id        VARCHAR(64) NOT NULL REFERENCES organizations (id),
    name          VARCHAR(200) NOT NULL,
    prefix        VARCHAR(32) NOT NULL,
    key_hash      VARCHAR(128) NOT NULL UNIQUE,
    scope         VARCHAR(32) NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    last_used_at  BIGINT
);

CREATE TABLE agents (
    id            VARCHAR(64) NOT NULL,
    org_id        VARCHAR(64) NOT NULL REFERENCES organizations (id),
    hostname      VARCHAR(255) NOT NULL,
    version       VARCHAR(64) NOT NULL,
    deployment    VARCHAR(32) NOT NULL,
    facts         TEXT NOT NULL,
    capabilities  TEXT NOT NULL,
    first_seen    BIGINT NOT NULL,
    last_seen     BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE batches (
    org_id       VARCHAR(64) NOT NULL,
    batch_id     VARCHAR(64) NOT NULL,
    agent_id     VARCHAR(64) NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, batch_id)
);

CREATE TABLE inventories (
    org_id         VARCHAR(64) NOT NULL,
    resource_id    VARCHAR(512) NOT NULL,
    resource_type  VARCHAR(64) NOT NULL,
    resource_name  VARCHAR(512) NOT NULL,
    agent_id       VARCHAR(64),
    inventory      TEXT NOT NULL,
    os             VARCHAR(200),
    packages       INTEGER NOT NULL,
    scanned_at     BIGINT NOT NULL,
    PRIMARY KEY (org_id, resource_id)
);

CREATE TABLE findings (
    org_id            VARCHAR(64) NOT NULL,
    id                VARCHAR(128) NOT NULL,
    category          VARCHAR(32) NOT NULL,
    rule_id           VARCHAR(200) NOT NULL,
    title             VARCHAR(1000) NOT NULL,
    severity          VARCHAR(16) NOT NULL,
    severity_rank     INTEGER NOT NULL,
    status            VARCHAR(16) NOT NULL,
    resource_id       VARCHAR(512) NOT NULL,
    resource_type     VARCHAR(64) NOT NULL,
    resource_name     VARCHAR(512) NOT NULL,
    package_name      VARCHAR(255),
    package_version   VARCHAR(255),
    fixed_version     VARCHAR(255),
    fix_state         VARCHAR(16),
    evidence          TEXT NOT NULL,
    remediation       VARCHAR(2000),
    first_seen        BIGINT NOT NULL,
    last_seen         BIGINT NOT NULL,
    resolved_at       BIGINT,
    muted_reason      VARCHAR(1000),
    muted_until       BIGINT,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX findings_by_status ON findings (org_id, status, severity_rank);
CREATE INDEX findings_by_resource ON findings (org_id, resource_id, category);
CREATE INDEX findings_by_rule ON findings (org_id, rule_id);

CREATE TABLE finding_events (
    org_id      VARCHAR(64) NOT NULL,
    finding_id  VARCHAR(128) NOT NULL,
    at          BIGINT NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    actor       VARCHAR(320),
    detail      VARCHAR(2000)
);
CREATE INDEX finding_events_by_finding ON finding_events (org_id, finding_id, at);

CREATE TABLE settings (
    key    VARCHAR(128) PRIMARY KEY,
    value  VARCHAR(2000) NOT NULL
);
