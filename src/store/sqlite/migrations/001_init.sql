-- Chairside schema, version 1. Times are UTC epoch seconds; money is
-- integer minor units; local wall times are minutes since midnight.
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    booking_time_divider_min INTEGER NOT NULL DEFAULT 15,
    book_one_service_only INTEGER NOT NULL DEFAULT 0,
    client_payment TEXT NOT NULL DEFAULT 'disabled',
    assign_services_to_staff INTEGER NOT NULL DEFAULT 0,
    visit_interval_min INTEGER NOT NULL DEFAULT 0,
    appointment_mode TEXT NOT NULL DEFAULT 'individual',
    min_notice_min INTEGER NOT NULL DEFAULT 0,
    max_advance_days INTEGER NOT NULL DEFAULT 0,
    notification_email TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    smtp_url TEXT NOT NULL DEFAULT '',
    mail_from TEXT NOT NULL DEFAULT '',
    diary_url TEXT NOT NULL DEFAULT '',
    diary_user TEXT NOT NULL DEFAULT '',
    diary_password TEXT NOT NULL DEFAULT '',
    sync_alert_after_s INTEGER NOT NULL DEFAULT 300
);
INSERT INTO settings (id) VALUES (1);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT ''
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    bookable INTEGER NOT NULL DEFAULT 1,
    color TEXT NOT NULL DEFAULT ''
);

CREATE TABLE staff_locations (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, location_id)
) WITHOUT ROWID;

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    duration_min INTEGER NOT NULL,
    price INTEGER NOT NULL DEFAULT 0,
    online_booking INTEGER NOT NULL DEFAULT 1,
    capacity INTEGER NOT NULL DEFAULT 1,
    buffer_before_min INTEGER NOT NULL DEFAULT 0,
    buffer_after_min INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE staff_services (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
) WITHOUT ROWID;

CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min INTEGER NOT NULL,
    end_min INTEGER NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations(id),
    CHECK (0 <= start_min AND start_min < end_min AND end_min <= 1440)
);
CREATE INDEX shifts_staff ON shifts (staff_id, weekday, start_min);

CREATE TABLE time_off (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK (start_at < end_at)
);
CREATE INDEX time_off_staff ON time_off (staff_id, start_at, end_at);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT,
    notes TEXT NOT NULL DEFAULT '',
    can_book_online INTEGER NOT NULL DEFAULT 1,
    can_view_invoices INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
CREATE INDEX patients_name ON patients (name COLLATE NOCASE);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'patient')),
    patient_id INTEGER REFERENCES patients(id),
    staff_id INTEGER REFERENCES staff(id),
    created_at INTEGER NOT NULL
);

-- Only a hash of the session token is kept, so a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    address TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    location_id INTEGER NOT NULL REFERENCES locations(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    -- set for a booking of exactly one group service: shares its slot
    group_service_id INTEGER,
    status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    notes TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('staff', 'online')),
    payment_status TEXT NOT NULL DEFAULT 'unpaid',
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- The availability query reads only this index for live bookings.
CREATE INDEX bookings_staff_live
    ON bookings (staff_id, start_at, end_at, group_service_id, status)
    WHERE status <> 'cancelled';
CREATE INDEX bookings_start ON bookings (start_at);
CREATE INDEX bookings_patient ON bookings (patient_id, start_at);

CREATE TABLE booking_services (
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services(id),
    duration_min INTEGER NOT NULL,
    price INTEGER NOT NULL,
    PRIMARY KEY (booking_id, position)
) WITHOUT ROWID;

CREATE TABLE booking_history (
    id INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX booking_history_booking ON booking_history (booking_id, id);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    series_id INTEGER,
    series_index INTEGER NOT NULL DEFAULT 0,
    patient_id INTEGER REFERENCES patients(id),
    staff_id INTEGER REFERENCES staff(id),
    action_id INTEGER REFERENCES actions(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    share_with_patient INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_at INTEGER NOT NULL
);
CREATE INDEX appointments_staff ON appointments (staff_id, start_at, end_at, status)
    WHERE status <> 'cancelled';
CREATE INDEX appointments_start ON appointments (start_at);
CREATE INDEX appointments_series ON appointments (series_id, series_index);

CREATE VIEW patients_view AS
    SELECT p.*, EXISTS (SELECT 1 FROM users u WHERE u.patient_id = p.id) AS has_account
    FROM patients p;
