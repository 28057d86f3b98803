-- Each notification rule signs its deliveries with its own secret (sealed with the data directory's key, like the
-- target). Rules made before have none: they are delivered unsigned until an administrator asks for one
-- (POST /api/v1/notification-rules/{id}/secret), since a secret nobody has seen could not be checked (ADR 0016).
ALTER TABLE notification_rules ADD COLUMN signing_secret VARCHAR(200);
