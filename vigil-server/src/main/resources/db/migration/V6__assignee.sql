-- Triage: a finding can be assigned to a user of its organization.
ALTER TABLE findings ADD COLUMN assignee VARCHAR(320);
