-- Finding scopes, counts per category and vulnerability details (ADR 0030 stage 3, ADR 0033). Portable SQL: the same
-- statements run on SQLite and PostgreSQL.

-- What a scan result covers: a result replaces the findings of one (category, scope). Every finding stored before
-- came from the rescan of one resource.
ALTER TABLE findings ADD COLUMN scope_kind VARCHAR(16) NOT NULL DEFAULT 'resource';
ALTER TABLE findings ADD COLUMN scope_id VARCHAR(512) NOT NULL DEFAULT '';
UPDATE findings SET scope_id = resource_id;
-- An account's findings are read as a set by each of its scans; a resource's are read through findings_by_resource,
-- so resource-scoped findings (all of them today) pay no index insert for this one.
CREATE INDEX findings_by_scope ON findings (org_id, scope_kind, scope_id, category) WHERE scope_kind <> 'resource';

-- The vulnerability columns move out of the capability-neutral findings table.
CREATE TABLE vulnerability_details (
    org_id           VARCHAR(64) NOT NULL,
    finding_id       VARCHAR(128) NOT NULL,
    package_name     VARCHAR(255) NOT NULL,
    package_version  VARCHAR(255),
    fixed_version    VARCHAR(255),
    fix_state        VARCHAR(16),
    PRIMARY KEY (org_id, finding_id)
);
INSERT INTO vulnerability_details (org_id, finding_id, package_name, package_version, fixed_version, fix_state)
    SELECT org_id, id, package_name, package_version, fixed_version, fix_state FROM findings
    WHERE package_name IS NOT NULL;
-- The package filter and the free-text search go from a package name to its findings (was findings_by_package).
CREATE INDEX vulnerability_details_by_package ON vulnerability_details (org_id, package_name, finding_id);
DROP INDEX findings_by_package;
ALTER TABLE findings DROP COLUMN package_name;
ALTER TABLE findings DROP COLUMN package_version;
ALTER TABLE findings DROP COLUMN fixed_version;
ALTER TABLE findings DROP COLUMN fix_state;

-- The three running-count tables are kept per category; the vulnerability pages read only 'vulnerability'. Only
-- vulnerability findings were ever written before this version (ADR 0030: the intake refused other sections), so the
-- rows are copied as that category, unchanged. SQLite cannot change a primary key: each table is rebuilt.
CREATE TABLE vulnerability_counts_v17 (
    org_id     VARCHAR(64) NOT NULL,
    category   VARCHAR(32) NOT NULL,
    rule_id    VARCHAR(200) NOT NULL,
    findings   BIGINT NOT NULL,
    resources  BIGINT NOT NULL,
    max_rank   INTEGER NOT NULL,
    rank0      BIGINT NOT NULL,
    rank1      BIGINT NOT NULL,
    rank2      BIGINT NOT NULL,
    rank3      BIGINT NOT NULL,
    rank4      BIGINT NOT NULL,
    rank5      BIGINT NOT NULL,
    PRIMARY KEY (org_id, category, rule_id)
);
INSERT INTO vulnerability_counts_v17 (org_id, category, rule_id, findings, resources, max_rank, rank0, rank1, rank2,
        rank3, rank4, rank5)
    SELECT org_id, 'vulnerability', rule_id, findings, resources, max_rank, rank0, rank1, rank2, rank3, rank4, rank5
    FROM vulnerability_counts;
DROP TABLE vulnerability_counts;
ALTER TABLE vulnerability_counts_v17 RENAME TO vulnerability_counts;
CREATE INDEX vulnerability_counts_order ON vulnerability_counts (org_id, category, max_rank DESC, findings DESC,
    rule_id);

CREATE TABLE package_counts_v17 (
    org_id        VARCHAR(64) NOT NULL,
    category      VARCHAR(32) NOT NULL,
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
    PRIMARY KEY (org_id, category, package_name)
);
INSERT INTO package_counts_v17 (org_id, category, package_name, findings, resources, max_rank, rank0, rank1, rank2,
        rank3, rank4, rank5)
    SELECT org_id, 'vulnerability', package_name, findings, resources, max_rank, rank0, rank1, rank2, rank3, rank4,
           rank5
    FROM package_counts;
DROP TABLE package_counts;
ALTER TABLE package_counts_v17 RENAME TO package_counts;
CREATE INDEX package_counts_order ON package_counts (org_id, category, max_rank DESC, findings DESC, package_name);

CREATE TABLE resource_counts_v17 (
    org_id         VARCHAR(64) NOT NULL,
    category       VARCHAR(32) NOT NULL,
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
    PRIMARY KEY (org_id, category, resource_id)
);
INSERT INTO resource_counts_v17 (org_id, category, resource_id, resource_type, resource_name, findings, rank0, rank1,
        rank2, rank3, rank4, rank5)
    SELECT org_id, 'vulnerability', resource_id, resource_type, resource_name, findings, rank0, rank1, rank2, rank3,
           rank4, rank5
    FROM resource_counts;
DROP TABLE resource_counts;
ALTER TABLE resource_counts_v17 RENAME TO resource_counts;
