-- Staff accounts can be disabled: the login stays (history and the audit
-- log name it) but it can no longer sign in.
ALTER TABLE users ADD COLUMN disabled_at bigint;
