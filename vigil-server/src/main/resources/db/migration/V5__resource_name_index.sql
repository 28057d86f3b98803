-- The resource filter matches a resource's id or its name; with both indexed the query reads one resource's rows.
CREATE INDEX findings_by_resource_name ON findings (org_id, resource_name);
