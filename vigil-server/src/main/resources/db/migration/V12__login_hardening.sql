-- Login hardening (ADR 0014). Portable SQL: the same statements run on SQLite and PostgreSQL.
--
-- Emails are unique per organization, not across the server: creating a user answers the same whatever other
-- organizations hold. SQLite cannot drop a column's UNIQUE constraint, so users is rebuilt; sessions refer to
-- users and are dropped first (everyone signs in again once after the upgrade, under the new session rules).
DROP TABLE sessions;

CREATE TABLE users_v12 (
    id             VARCHAR(64) PRIMARY KEY,
    org_id         VARCHAR(64) NOT NULL REFERENCES organizations (id),
    email          VARCHAR(320) NOT NULL,
    password_hash  VARCHAR(400) NOT NULL,
    role           VARCHAR(32) NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (org_id, email)
);
INSERT INTO users_v12 (id, org_id, email, password_hash, role, created_at)
    SELECT id, org_id, email, password_hash, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_v12 RENAME TO users;

-- last_used_at is written at most once a minute per session; a session idle for longer than the idle limit ends.
CREATE TABLE sessions (
    token_hash    VARCHAR(128) PRIMARY KEY,
    user_id       VARCHAR(64) NOT NULL REFERENCES users (id),
    expires_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per account key (organization and email, whether or not such a user exists, so a locked
-- account and an unknown one answer alike). Kept in the store: the lockout holds across restarts and servers.
CREATE TABLE login_failures (
    account          VARCHAR(600) PRIMARY KEY,
    failures         INTEGER NOT NULL,
    locked_until     BIGINT NOT NULL,
    last_failure_at  BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);

-- Client addresses that signed in to a user before: they pass the account's lockout, so an attacker cannot keep
-- a user out of their usual workstation.
CREATE TABLE login_addresses (
    user_id          VARCHAR(64) NOT NULL REFERENCES users (id),
    address          VARCHAR(64) NOT NULL,
    last_success_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, address)
);
