-- FHIR: API tokens may stand for a patient (who then sees only their own
-- records), and a booking keeps the booking-referral of the SMART
-- Scheduling Link it came through. SQLite cannot change a CHECK, so the
-- token table is made anew with its rows.
CREATE TABLE api_tokens_new (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'patient')),
    token_hash BLOB NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    -- Merging moves a patient's tokens with its login; deleting the record
-- ends them.
    patient_id INTEGER REFERENCES patients(id) ON DELETE CASCADE,
    CHECK ((role = 'patient') = (patient_id IS NOT NULL))
);
INSERT INTO api_tokens_new (id, name, role, token_hash, created_by, created_at, revoked_at)
SELECT id, name, role, token_hash, created_by, created_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;

ALTER TABLE bookings ADD COLUMN booking_referral TEXT;
