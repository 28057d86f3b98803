-- Indexes that keep the findings list, its facets and the charts fast with a million findings: the list reads
-- its first page in index order, the counts are index-only scans, the chart's daily sums read two narrow indexes.
DROP INDEX findings_by_status;
CREATE INDEX findings_list ON findings (org_id, status, severity_rank, last_seen, id, category);
CREATE INDEX findings_opened ON findings (org_id, first_seen);
CREATE INDEX findings_resolved ON findings (org_id, resolved_at);
