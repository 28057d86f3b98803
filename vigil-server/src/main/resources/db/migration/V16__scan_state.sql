-- Whether a resource's latest inventory could be checked (ADR 0029): 'scanned' or 'not_scanned' with why (its OS is
-- unknown or unsupported, or the advisory database holds nothing for its ecosystem). NULL: stored before, scanned.
ALTER TABLE inventories ADD COLUMN scan_state VARCHAR(16);
ALTER TABLE inventories ADD COLUMN scan_note VARCHAR(1000);
