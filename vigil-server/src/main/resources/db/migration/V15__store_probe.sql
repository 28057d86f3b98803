-- One row the health check rewrites, only while a write failure (a full disk) is outstanding, to see whether the
-- store takes writes again without waiting for an agent's batch.
CREATE TABLE store_probe (
    id INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
INSERT INTO store_probe (id, probed_at) VALUES (1, 0);
