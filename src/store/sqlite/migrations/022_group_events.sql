-- Group events: a class or group session of one service that a staff
-- member holds at a time, with seats that patients book. The event
-- occupies its staff member (with its service's buffers, kept with the
-- event as a booking keeps them) like a booking; its participants are
-- bookings that share its time and take its seats.
CREATE TABLE group_events (
    id INTEGER PRIMARY KEY,
    series_id INTEGER,
    service_id INTEGER NOT NULL REFERENCES services(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    location_id INTEGER NOT NULL REFERENCES locations(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    online_booking INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    buffer_before_min INTEGER NOT NULL DEFAULT 0,
    buffer_after_min INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- As bookings: at most a day, which bounds the overlap look-ups.
    CHECK (end_at > start_at AND end_at - start_at <= 86400)
);
CREATE INDEX group_events_staff ON group_events (staff_id, start_at);
CREATE INDEX group_events_start ON group_events (start_at);
CREATE INDEX group_events_series ON group_events (series_id, start_at);

-- Two live events of one staff member never overlap with their buffers
-- (the staff lock serialises them against bookings; this is the backstop).
CREATE TRIGGER group_events_no_overlap_insert BEFORE INSERT ON group_events
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'group_events_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM group_events e
        WHERE e.staff_id = NEW.staff_id AND e.status <> 'cancelled'
          AND e.start_at < NEW.end_at + 28800 AND e.start_at > NEW.start_at - 115200
          AND e.start_at - e.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND e.end_at + e.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

CREATE TRIGGER group_events_no_overlap_update
BEFORE UPDATE OF staff_id, start_at, end_at, status, buffer_before_min, buffer_after_min
ON group_events
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'group_events_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM group_events e
        WHERE e.staff_id = NEW.staff_id AND e.id <> NEW.id AND e.status <> 'cancelled'
          AND e.start_at < NEW.end_at + 28800 AND e.start_at > NEW.start_at - 115200
          AND e.start_at - e.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND e.end_at + e.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

-- A participant is a booking of the event's service at the event's time
-- taking seats (a parent with two children takes two).
ALTER TABLE bookings ADD COLUMN group_event_id INTEGER REFERENCES group_events(id);
ALTER TABLE bookings ADD COLUMN seats INTEGER NOT NULL DEFAULT 1 CHECK (seats >= 1);
CREATE INDEX bookings_group_event ON bookings (group_event_id) WHERE group_event_id IS NOT NULL;

-- Participants share the event's time, so the bookings backstop of 016
-- leaves them out as it leaves out ad-hoc group bookings: the event row
-- is what occupies the staff member.
DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;

CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL AND NEW.group_event_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL AND b.group_event_id IS NULL
          AND b.start_at < NEW.end_at + 28800 AND b.start_at > NEW.start_at - 115200
          AND b.start_at - b.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND b.end_at + b.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF staff_id, start_at, end_at, status, group_service_id, group_event_id,
    buffer_before_min, buffer_after_min ON bookings
WHEN NEW.status <> 'cancelled' AND NEW.group_service_id IS NULL AND NEW.group_event_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.staff_id = NEW.staff_id AND b.id <> NEW.id AND b.status <> 'cancelled'
          AND b.group_service_id IS NULL AND b.group_event_id IS NULL
          AND b.start_at < NEW.end_at + 28800 AND b.start_at > NEW.start_at - 115200
          AND b.start_at - b.buffer_before_min * 60 < NEW.end_at + NEW.buffer_after_min * 60
          AND b.end_at + b.buffer_after_min * 60 > NEW.start_at - NEW.buffer_before_min * 60);
END;

-- An event takes its service's resources as a booking does. A unit in use
-- belongs to a booking or to a group event, in the one table, so the one
-- backstop refuses a unit taken twice by any mix of the two. SQLite cannot
-- drop NOT NULL from booking_id, so the table is rebuilt.
CREATE TABLE booking_resources_new (
    booking_id INTEGER REFERENCES bookings(id) ON DELETE CASCADE,
    group_event_id INTEGER REFERENCES group_events(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resources(id),
    unit INTEGER NOT NULL CHECK (unit >= 1),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    CHECK ((booking_id IS NULL) <> (group_event_id IS NULL))
);
INSERT INTO booking_resources_new (booking_id, resource_id, unit, start_at, end_at)
SELECT booking_id, resource_id, unit, start_at, end_at FROM booking_resources;
DROP TABLE booking_resources;
ALTER TABLE booking_resources_new RENAME TO booking_resources;
CREATE UNIQUE INDEX booking_resources_booking ON booking_resources (booking_id, resource_id)
    WHERE booking_id IS NOT NULL;
CREATE UNIQUE INDEX booking_resources_event ON booking_resources (group_event_id, resource_id)
    WHERE group_event_id IS NOT NULL;
CREATE INDEX booking_resources_unit ON booking_resources (resource_id, unit, start_at);

CREATE TRIGGER booking_resources_no_overlap_insert BEFORE INSERT ON booking_resources
BEGIN
    SELECT RAISE(ABORT, 'booking_resources_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM booking_resources r
        WHERE r.resource_id = NEW.resource_id AND r.unit = NEW.unit
          AND NOT (r.booking_id IS NEW.booking_id AND r.group_event_id IS NEW.group_event_id)
          AND r.start_at < NEW.end_at AND r.start_at > NEW.start_at - 115200
          AND r.end_at > NEW.start_at);
END;

CREATE TRIGGER booking_resources_no_overlap_update
BEFORE UPDATE OF resource_id, unit, start_at, end_at ON booking_resources
BEGIN
    SELECT RAISE(ABORT, 'booking_resources_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM booking_resources r
        WHERE r.resource_id = NEW.resource_id AND r.unit = NEW.unit
          AND r.rowid <> NEW.rowid
          AND r.start_at < NEW.end_at AND r.start_at > NEW.start_at - 115200
          AND r.end_at > NEW.start_at);
END;

-- How many seats of one event one patient may book at once.
ALTER TABLE settings ADD COLUMN max_seats_per_client INTEGER NOT NULL DEFAULT 1;

-- A hold may keep seats of an event instead of a time: it then occupies
-- nothing (its occupied interval is empty) and counts against the
-- event's seats left for everyone else.
ALTER TABLE holds ADD COLUMN group_event_id INTEGER REFERENCES group_events(id) ON DELETE CASCADE;
ALTER TABLE holds ADD COLUMN seats INTEGER NOT NULL DEFAULT 0;
CREATE INDEX holds_group_event ON holds (group_event_id) WHERE group_event_id IS NOT NULL;
