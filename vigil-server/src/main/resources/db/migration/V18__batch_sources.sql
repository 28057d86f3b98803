-- A batch names its source (ADR 0030, 0031): an agent, a one-off scan or a cloud collector. Only an agent's batch has
-- an agent id, so agent_id becomes optional; the table is rebuilt because SQLite cannot drop a NOT NULL in place.
-- Rows stored before were all sent by agents. dropped_sections: what the source's spool dropped of sections it keeps
-- in order (KEEP), as it reported with this batch, a JSON object of counts per section type; NULL when none.
CREATE TABLE batches_v18 (
    org_id            VARCHAR(64) NOT NULL,
    batch_id          VARCHAR(64) NOT NULL,
    source_kind       VARCHAR(16) NOT NULL,
    source_id         VARCHAR(64) NOT NULL,
    agent_id          VARCHAR(64),
    received_at       BIGINT NOT NULL,
    dropped_sections  VARCHAR(2000),
    PRIMARY KEY (org_id, batch_id)
);

INSERT INTO batches_v18 (org_id, batch_id, source_kind, source_id, agent_id, received_at)
SELECT org_id, batch_id, 'agent', agent_id, agent_id, received_at FROM batches;

DROP TABLE batches;

ALTER TABLE batches_v18 RENAME TO batches;

-- the latest batch of a source, for what it reported last (its dropped sections)
CREATE INDEX batches_source ON batches (org_id, source_kind, source_id, received_at);
