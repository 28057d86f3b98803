-- ADR 0015. What an intake API key may write: an agent id ('agent:<id>') or an image ('image:<digest or name>')
-- belongs to the key that first sent it. The primary key decides between two keys registering the same one at once.
CREATE TABLE intake_bindings (
    org_id    VARCHAR(64) NOT NULL,
    subject   VARCHAR(600) NOT NULL,
    key_id    VARCHAR(64) NOT NULL,
    bound_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, subject)
);

-- The agent's spool as it last reported it (counts since the agent started); null: never reported (older agents).
ALTER TABLE agents ADD COLUMN spool_pending BIGINT;
ALTER TABLE agents ADD COLUMN spool_pending_bytes BIGINT;
ALTER TABLE agents ADD COLUMN spool_dropped BIGINT;
ALTER TABLE agents ADD COLUMN spool_dropped_bytes BIGINT;
