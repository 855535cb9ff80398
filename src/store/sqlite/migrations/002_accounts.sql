-- Accounts: login-as sessions, API tokens, the audit log and patient
-- self-service settings.
ALTER TABLE sessions ADD COLUMN as_patient_id INTEGER REFERENCES patients(id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    token_hash BLOB NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    as_patient_id INTEGER,
    action TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL DEFAULT 0,
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);

ALTER TABLE settings ADD COLUMN allow_self_signup INTEGER NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN client_cancel_notice_min INTEGER NOT NULL DEFAULT 1440;
