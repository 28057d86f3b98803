-- Unresolved findings per package, kept by each scan like vulnerability_counts: grouping by package reads these rows
-- instead of every open finding.
CREATE TABLE package_counts (
    org_id        VARCHAR(64) NOT NULL,
    package_name  VARCHAR(255) NOT NULL,
    findings      BIGINT NOT NULL,
    resources     BIGINT NOT NULL,
    max_rank      INTEGER NOT NULL,
    rank0         BIGINT NOT NULL,
    rank1         BIGINT NOT NULL,
    rank2         BIGINT NOT NULL,
    rank3         BIGINT NOT NULL,
    rank4         BIGINT NOT NULL,
    rank5         BIGINT NOT NULL,
    PRIMARY KEY (org_id, package_name)
);
CREATE INDEX package_counts_order ON package_counts (org_id, max_rank DESC, findings DESC, package_name);
INSERT INTO package_counts (org_id, package_name, findings, resources, max_rank, rank0, rank1, rank2, rank3, rank4,
        rank5)
    SELECT org_id, package_name, COUNT(*), COUNT(DISTINCT resource_id), MAX(severity_rank),
           SUM(CASE WHEN severity_rank = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 1 THEN 1 ELSE 0 END),
           SUM(CASE WHEN severity_rank = 2 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 3 THEN 1 ELSE 0 END),
           SUM(CASE WHEN severity_rank = 4 THEN 1 ELSE 0 END), SUM(CASE WHEN severity_rank = 5 THEN 1 ELSE 0 END)
    FROM findings WHERE status <> 'resolved' AND package_name IS NOT NULL
    GROUP BY org_id, package_name;
