-- Visits and attendance: whether the patient came, on every booking and
-- appointment; appointments get a change history like bookings; the fee
-- charged when a patient does not come (minor units, 0 = none).
ALTER TABLE bookings ADD COLUMN attendance TEXT NOT NULL DEFAULT 'pending'
    CHECK (attendance IN ('pending', 'confirmed', 'arrived', 'no_show'));
ALTER TABLE appointments ADD COLUMN attendance TEXT NOT NULL DEFAULT 'pending'
    CHECK (attendance IN ('pending', 'confirmed', 'arrived', 'no_show'));
ALTER TABLE settings ADD COLUMN no_show_fee INTEGER NOT NULL DEFAULT 0;

CREATE TABLE appointment_history (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX appointment_history_appointment ON appointment_history (appointment_id, id);
-- Visits are a patient's items of one day: found by patient and time.
CREATE INDEX appointments_patient ON appointments (patient_id, start_at);
