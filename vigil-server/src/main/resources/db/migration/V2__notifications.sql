-- Notification rules and a transactional outbox: deliveries are written in the same transaction as the findings
-- that cause them, and sent (with retries) by a dispatcher afterwards.

CREATE TABLE notification_rules (
    org_id          VARCHAR(64) NOT NULL REFERENCES organizations (id),
    id              VARCHAR(64) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    category        VARCHAR(32),
    min_severity    VARCHAR(16) NOT NULL,
    resource        VARCHAR(512),
    kind            VARCHAR(16) NOT NULL,
    target          VARCHAR(2000) NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE notification_outbox (
    id               VARCHAR(64) PRIMARY KEY,
    org_id           VARCHAR(64) NOT NULL,
    rule_id          VARCHAR(64) NOT NULL,
    payload          TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    delivered_at     BIGINT,
    failed_at        BIGINT,
    last_error       VARCHAR(1000),
    created_at       BIGINT NOT NULL
);
CREATE INDEX notification_outbox_due ON notification_outbox (delivered_at, failed_at, next_attempt_at);
