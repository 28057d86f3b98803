-- Unresolved findings per resource, by severity rank, kept by each scan like vulnerability_counts: grouping by host or
-- image reads these rows instead of every open finding.
CREATE TABLE resource_counts (
    org_id         VARCHAR(64) NOT NULL,
    resource_id    VARCHAR(512) NOT NULL,
    resource_type  VARCHAR(64) NOT NULL,
    resource_name  VARCHAR(512) NOT NULL,
    findings       BIGINT NOT NULL,
    rank0          BIGINT NOT NULL,
    rank1          BIGINT NOT NULL,
    rank2          BIGINT NOT NULL,
    rank3          BIGINT NOT NULL,
    rank4          BIGINT NOT NULL,
    rank5          BIGINT NOT NULL,
    PRIMARY KEY (org_id, resource_id)
);
INSERT INTO resource_counts (org_id, resource_id, resource_type, resource_name, findings, rank0, rank1, rank2, rank3,
        rank4, rank5)
    SELECT org_id, resource_id, MIN(resource_type), MIN(resource_name), COUNT(*),
           SUM(CASE WHEN severity_rank = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 1 THEN 1 ELSE 0 END),
           SUM(CASE WHEN severity_rank = 2 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 3 THEN 1 ELSE 0 END),
           SUM(CASE WHEN severity_rank = 4 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 5 THEN 1 ELSE 0 END)
    FROM findings WHERE status <> 'resolved'
    GROUP BY org_id, resource_id;
