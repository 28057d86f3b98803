-- Running counts of findings per organization, category, status and severity, kept in the same transactions
-- that change findings, so the findings page reads its totals, facets and severity chart without a scan.
CREATE TABLE finding_counts (
    org_id         VARCHAR(64) NOT NULL,
    category       VARCHAR(32) NOT NULL,
    status         VARCHAR(16) NOT NULL,
    severity_rank  INTEGER NOT NULL,
    n              BIGINT NOT NULL,
    PRIMARY KEY (org_id, category, status, severity_rank)
);
INSERT INTO finding_counts (org_id, category, status, severity_rank, n)
    SELECT org_id, category, status, severity_rank, COUNT(*) FROM findings
    GROUP BY org_id, category, status, severity_rank;
